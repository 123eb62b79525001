// The active products and the categories at one moment, as the shop's pages show them, with the
// orders and look-ups the pages need worked out once per snapshot rather than once per request:
// with thousands of products a page then costs a slice of a sorted list and a map look-up.
import type { Category, Product, ProductPhoto } from '../generated/prisma/client';

/** What pages need of a photo: its address (photos.ts photoUrl) and its proportions. */
type CatalogPhoto = Pick<ProductPhoto, 'id' | 'contentHash' | 'width' | 'height'>;

/** An active product with what lists and its page show besides its own columns. */
export interface CatalogProduct extends Product {
  categoryIds: number[];
  /** In the order the merchant gave them; the first is the one lists show. */
  photos: CatalogPhoto[];
}

/** The orders a shopper may list products in; every one ends on the id, so a page never shifts. */
export const SORT_ORDERS = ['newest', 'price-asc', 'price-desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export const DEFAULT_SORT: SortOrder = 'newest';

const COMPARE: Record<SortOrder, (a: CatalogProduct, b: CatalogProduct) => number> = {
  newest: (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id,
  'price-asc': (a, b) => a.priceTwd - b.priceTwd || a.id - b.id,
  'price-desc': (a, b) => b.priceTwd - a.priceTwd || a.id - b.id,
};

// Written by every stock change, and shown by no list's order or filter.
const STOCK_FIELDS = new Set<string>(['stock', 'updatedAt']);

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'object' && a !== null) return JSON.stringify(a) === JSON.stringify(b);
  return Object.is(a, b);
}

function onlyStockDiffers(before: CatalogProduct, after: CatalogProduct): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (STOCK_FIELDS.has(key)) continue;
    if (!sameValue(before[key as keyof CatalogProduct], after[key as keyof CatalogProduct])) return false;
  }
  return true;
}

export class ProductSnapshot {
  private readonly productsBySlug: Map<string, CatalogProduct>;
  private readonly productsById: Map<number, CatalogProduct>;
  private readonly categoriesBySlug: Map<string, Category>;
  private readonly ordered = new Map<string, readonly CatalogProduct[]>();

  /** `products` in id order; `categories` in the navbar's order. */
  constructor(readonly products: readonly CatalogProduct[], readonly categories: readonly Category[]) {
    this.productsBySlug = new Map(products.map((product) => [product.slug, product]));
    this.productsById = new Map(products.map((product) => [product.id, product]));
    this.categoriesBySlug = new Map(categories.map((category) => [category.slug, category]));
  }

  productBySlug(slug: string): CatalogProduct | undefined {
    return this.productsBySlug.get(slug);
  }

  productById(id: number): CatalogProduct | undefined {
    return this.productsById.get(id);
  }

  categoryBySlug(slug: string): Category | undefined {
    return this.categoriesBySlug.get(slug);
  }

  /**
   * This snapshot with the products `changedIds` replaced by `current`, their state now (those not
   * in it are no longer active). A change of stock alone is set in place and this snapshot is
   * returned; otherwise the sorted lists made so far carry over when no product came, went, or
   * changed its price, date or shelves.
   */
  withChanges(changedIds: readonly number[], current: readonly CatalogProduct[]): ProductSnapshot {
    const now = new Map(current.map((product) => [product.id, product]));
    // Every reservation writes its products' stock: that is set in place, and this snapshot, its
    // maps and its sorted lists stay, rather than being built again for each sale.
    const onlyStock = changedIds.every((id) => {
      const before = this.productsById.get(id);
      const after = now.get(id);
      return before !== undefined && after !== undefined && onlyStockDiffers(before, after);
    });
    if (onlyStock) {
      for (const id of changedIds) {
        const { stock, updatedAt } = now.get(id)!;
        Object.assign(this.productsById.get(id)!, { stock, updatedAt });
      }
      return this;
    }
    const changed = new Set(changedIds);
    const kept = this.products.filter((product) => !changed.has(product.id) || now.has(product.id));
    const added = current.filter((product) => !this.productsById.has(product.id));
    const products = kept.map((product) => now.get(product.id) ?? product).concat(added);
    if (added.length > 0) products.sort((a, b) => a.id - b.id);
    const next = new ProductSnapshot(products, this.categories);
    const sameOrder =
      added.length === 0 &&
      kept.length === this.products.length &&
      current.every((product) => {
        const before = this.productsById.get(product.id)!;
        return (
          before.priceTwd === product.priceTwd &&
          before.createdAt.getTime() === product.createdAt.getTime() &&
          before.categoryIds.join() === product.categoryIds.join()
        );
      });
    if (sameOrder) for (const [key, list] of this.ordered) next.ordered.set(key, list.map((product) => now.get(product.id) ?? product));
    return next;
  }

  /** The products (of one category, when given) in `sort`'s order: sorted on first use, then kept with the snapshot. */
  inOrder(sort: SortOrder, categoryId?: number): readonly CatalogProduct[] {
    const key = `${sort}:${categoryId ?? ''}`;
    let list = this.ordered.get(key);
    if (!list) {
      const chosen = categoryId === undefined ? [...this.products] : this.products.filter((p) => p.categoryIds.includes(categoryId));
      list = chosen.sort(COMPARE[sort]);
      this.ordered.set(key, list);
    }
    return list;
  }
}
