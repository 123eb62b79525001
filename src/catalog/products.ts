// What the shop sells, as shoppers may see it: only active products.
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';

// A product as the shop's pages show it: with its photos, first the one lists show.
const CATALOG_PRODUCT = {
  include: { photos: { select: { id: true, contentHash: true, width: true, height: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] } },
} satisfies Prisma.ProductDefaultArgs;

export type CatalogProduct = Prisma.ProductGetPayload<typeof CATALOG_PRODUCT>;

/** Where the shop's pages read the active products from: the table, or a ProductCache in front of it. */
export interface ActiveProducts {
  /** The active products in id order. */
  list(): Promise<CatalogProduct[]>;
}

export function listProducts(db: Database): Promise<CatalogProduct[]> {
  return db.product.findMany({ where: { status: 'active' }, orderBy: { id: 'asc' }, ...CATALOG_PRODUCT });
}

/** Straight from the table on every read (tests, and an app built without a cache). */
export function productsFromTable(db: Database): ActiveProducts {
  return { list: () => listProducts(db) };
}

export async function findProductBySlug(products: ActiveProducts, slug: string): Promise<CatalogProduct | null> {
  return (await products.list()).find((product) => product.slug === slug) ?? null;
}

export async function findProductById(products: ActiveProducts, id: number): Promise<CatalogProduct | null> {
  return (await products.list()).find((product) => product.id === id) ?? null;
}
