// Search over the active products' names in both languages, in PostgreSQL: every word typed must
// appear somewhere in the names, as a whole word or as part of one (烏龍 finds 烏龍茶, "mang" finds
// Mango), whatever its width and case. Chinese is written without spaces, so a "word" is whatever
// the shopper separated with spaces, and matching is by substring rather than by word boundaries.
// Names and words are compared as search keys (migration product_search), through a trigram
// index that serves Chinese too: docs/finding-products.md.
import { Prisma } from '../generated/prisma/client';
import type { Database } from '../db/prisma';
import { PAGE_SIZE, type ListingQuery } from './listing';
import type { SortOrder } from './product-snapshot';

/** More words than this add nothing a shopper means; the rest are left out. */
const MAX_WORDS = 8;

/** The words to look for: split on spaces of any width, without control characters (PostgreSQL takes no NUL). */
function searchWords(q: string): string[] {
  const words = q.normalize('NFKC').replace(/\p{Cc}/gu, ' ').split(/\s+/u).filter(Boolean);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

// The same orders as ProductSnapshot's, ending on the id.
const ORDER_BY: Record<SortOrder, Prisma.Sql> = {
  newest: Prisma.sql`p."createdAt" DESC, p.id DESC`,
  'price-asc': Prisma.sql`p."priceTwd" ASC, p.id ASC`,
  'price-desc': Prisma.sql`p."priceTwd" DESC, p.id ASC`,
};

interface SearchPage {
  /** The page's products, in order. */
  ids: number[];
  /** How many active products match in all. */
  total: number;
}

/** One page of the active products matching `query.q`; no words, no products. */
export async function searchProducts(db: Database, query: ListingQuery): Promise<SearchPage> {
  const words = searchWords(query.q ?? '');
  if (words.length === 0) return { ids: [], total: 0 };
  // Each word as a search key (migration product_search), LIKE's own characters standing for
  // themselves ("100%" is a hundred percent), anywhere in the names' key.
  const matches = words.map(
    (word) => Prisma.sql`s."key" LIKE '%' || replace(replace(replace(product_search_key(${word}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`,
  );
  const rows = await db.$queryRaw<Array<{ id: number; total: bigint }>>`
    SELECT p.id, count(*) OVER () AS total
    FROM "Product" p JOIN "ProductSearch" s ON s."productId" = p.id
    WHERE p.status = 'active' AND ${Prisma.join(matches, ' AND ')}
    ORDER BY ${ORDER_BY[query.sort]}
    LIMIT ${PAGE_SIZE} OFFSET ${(query.page - 1) * PAGE_SIZE}`;
  if (rows.length > 0) return { ids: rows.map((row) => row.id), total: Number(rows[0]!.total) };
  // A page past the last has no rows to carry the count.
  if (query.page === 1) return { ids: [], total: 0 };
  return { ids: [], total: await countMatches(db, matches) };
}

async function countMatches(db: Database, matches: Prisma.Sql[]): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ total: bigint }>>`
    SELECT count(*) AS total
    FROM "Product" p JOIN "ProductSearch" s ON s."productId" = p.id
    WHERE p.status = 'active' AND ${Prisma.join(matches, ' AND ')}`;
  return Number(row?.total ?? 0);
}
