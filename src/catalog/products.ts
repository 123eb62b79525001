// What the shop sells, as shoppers may see it: only active products.
import type { Database } from '../db/prisma';
import type { Category, Prisma } from '../generated/prisma/client';
import { ProductSnapshot, type CatalogProduct } from './product-snapshot';

/** Where the shop's pages read the active products from: the tables, or a ProductCache in front of them. */
export interface ActiveProducts {
  snapshot(): Promise<ProductSnapshot>;
}

async function readActiveProducts(db: Database, where: Prisma.ProductWhereInput = {}): Promise<CatalogProduct[]> {
  const products = await db.product.findMany({
    where: { ...where, status: 'active' },
    orderBy: { id: 'asc' },
    include: {
      categories: { select: { categoryId: true } },
      // First the one lists show.
      photos: { select: { id: true, contentHash: true, width: true, height: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] },
    },
  });
  return products.map(({ categories: links, ...product }) => ({ ...product, categoryIds: links.map((link) => link.categoryId) }));
}

async function readCategories(db: Database): Promise<Category[]> {
  return db.category.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
}

export async function readProductSnapshot(db: Database): Promise<ProductSnapshot> {
  const [products, categories] = await Promise.all([readActiveProducts(db), readCategories(db)]);
  return new ProductSnapshot(products, categories);
}

/** `snapshot` with the products `ids` read again: those no longer active leave it. */
export async function readProductChanges(db: Database, snapshot: ProductSnapshot, ids: number[]): Promise<ProductSnapshot> {
  return snapshot.withChanges(ids, await readActiveProducts(db, { id: { in: ids } }));
}

/** Straight from the tables on every read (tests, and an app built without a cache). */
export function productsFromTable(db: Database): ActiveProducts {
  return { snapshot: () => readProductSnapshot(db) };
}
