// A page of a product list (the catalogue, a category, a search): which page and order the address
// asks for, the slice of the list on that page, and the addresses of the other pages. An address
// the shop would not have written (page 0, page "abc", page 9 of 3, an unknown order) is answered
// with a redirect to the nearest one it would, never an error.
import { DEFAULT_SORT, SORT_ORDERS, type SortOrder } from './product-snapshot';

export const PAGE_SIZE = 24;
/** Longer searches are cut to this many characters (the search box allows no more). */
const MAX_QUERY_LENGTH = 100;
const PAGE = /^[1-9][0-9]{0,5}$/;

export interface ListingQuery {
  page: number;
  sort: SortOrder;
  /** The search words as typed, for /search only. */
  q?: string;
}

/** The query string of a list's page, its defaults left out. */
export function listingHref(path: string, query: ListingQuery): string {
  const params = new URLSearchParams();
  if (query.q !== undefined) params.set('q', query.q);
  if (query.sort !== DEFAULT_SORT) params.set('sort', query.sort);
  if (query.page > 1) params.set('page', String(query.page));
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

const single = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads page, sort (and q, when `withSearch`) from a request's query. `redirect` is set when the
 * query was not one the shop writes: the same list's address as it would have been written.
 */
export function readListingQuery(path: string, raw: Record<string, unknown>, withSearch = false): { query: ListingQuery; redirect?: string } {
  const pageText = single(raw.page);
  const sortText = single(raw.sort);
  const query: ListingQuery = {
    page: pageText !== undefined && PAGE.test(pageText) ? Number(pageText) : 1,
    sort: SORT_ORDERS.find((sort) => sort === sortText) ?? DEFAULT_SORT,
  };
  if (withSearch) {
    const typed = single(raw.q) ?? (Array.isArray(raw.q) ? single(raw.q[0]) : undefined) ?? '';
    query.q = typed.trim().slice(0, MAX_QUERY_LENGTH);
  }
  const written =
    (raw.page === undefined || String(query.page) === pageText) &&
    (raw.sort === undefined || query.sort === sortText) &&
    (!withSearch || raw.q === undefined || (typeof raw.q === 'string' && raw.q.length <= MAX_QUERY_LENGTH));
  return written ? { query } : { query, redirect: listingHref(path, query) };
}

export interface ListingPage<T> {
  items: readonly T[];
  page: number;
  pageCount: number;
  total: number;
}

/** How many pages `total` products fill; an empty list still has its one (empty) page. */
export function pageCountOf(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}

/** The page's slice of `items`, or the last page's number when the page asked for is past it. */
export function pageOf<T>(items: readonly T[], query: ListingQuery): ListingPage<T> | { lastPage: number } {
  const pageCount = pageCountOf(items.length);
  if (query.page > pageCount) return { lastPage: pageCount };
  const start = (query.page - 1) * PAGE_SIZE;
  return { items: items.slice(start, start + PAGE_SIZE), page: query.page, pageCount, total: items.length };
}

/** The page numbers a list's paging shows: the first, the last and two either side of the current one; null for a gap. */
export function pageNumbers(page: number, pageCount: number): Array<number | null> {
  const shown = new Set([1, pageCount]);
  for (let n = page - 2; n <= page + 2; n++) if (n >= 1 && n <= pageCount) shown.add(n);
  const sorted = [...shown].sort((a, b) => a - b);
  // A gap of one page shows that page's number: "…" would take as much room.
  return sorted.flatMap((n, i) => {
    const gap = i > 0 ? n - sorted[i - 1]! - 1 : 0;
    return gap === 0 ? [n] : gap === 1 ? [n - 1, n] : [null, n];
  });
}
