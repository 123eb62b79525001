// What the catalogue's templates are given, by the shop's routes and by the bench's bare app alike
// (which must render the very same pages without the shop's database code).
import { MAX_QUANTITY } from '../cart/cart';
import { listingHref, pageNumbers, type ListingPage, type ListingQuery } from './listing';
import { SORT_ORDERS, type CatalogProduct, type ProductSnapshot } from './product-snapshot';

/** What catalog.njk shows of a page of a list: the page, the links to its other pages and orders. */
export function listingView(path: string, query: ListingQuery, page: ListingPage<CatalogProduct>, extra: Record<string, unknown>) {
  return {
    ...extra,
    products: page.items,
    total: page.total,
    paging: {
      page: page.page,
      pageCount: page.pageCount,
      numbers: pageNumbers(page.page, page.pageCount),
      href: (n: number) => listingHref(path, { ...query, page: n }),
    },
    sorts: SORT_ORDERS.map((sort) => ({ sort, href: listingHref(path, { ...query, sort, page: 1 }), current: sort === query.sort })),
  };
}

/** What product.njk shows of an active product. */
export function productView(snapshot: ProductSnapshot, product: CatalogProduct) {
  const categories = snapshot.categories.filter((category) => product.categoryIds.includes(category.id));
  return { product, categories, maxQuantity: MAX_QUANTITY };
}

