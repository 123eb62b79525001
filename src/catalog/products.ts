// What the shop sells, as shoppers may see it: only active products.
import type { Database } from '../db/prisma';
import type { Product } from '../generated/prisma/client';

/** Where the shop's pages read the active products from: the table, or a ProductCache in front of it. */
export interface ActiveProducts {
  /** The active products in id order. */
  list(): Promise<Product[]>;
}

export function listProducts(db: Database): Promise<Product[]> {
  return db.product.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
}

/** Straight from the table on every read (tests, and an app built without a cache). */
export function productsFromTable(db: Database): ActiveProducts {
  return { list: () => listProducts(db) };
}

export async function findProductBySlug(products: ActiveProducts, slug: string): Promise<Product | null> {
  return (await products.list()).find((product) => product.slug === slug) ?? null;
}

export async function findProductById(products: ActiveProducts, id: number): Promise<Product | null> {
  return (await products.list()).find((product) => product.id === id) ?? null;
}
