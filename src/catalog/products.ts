// What the shop sells, as shoppers may see it: only active products.
import type { Database } from '../db/prisma';
import { ProductSnapshot } from './product-snapshot';

/** Where the shop's pages read the active products from: the tables, or a ProductCache in front of them. */
export interface ActiveProducts {
  snapshot(): Promise<ProductSnapshot>;
}

export async function readProductSnapshot(db: Database): Promise<ProductSnapshot> {
  const [products, categories] = await Promise.all([
    db.product.findMany({
      where: { status: 'active' },
      orderBy: { id: 'asc' },
      include: {
        categories: { select: { categoryId: true } },
        // First the one lists show.
        photos: { select: { id: true, contentHash: true, width: true, height: true }, orderBy: [{ position: 'asc' }, { id: 'asc' }] },
      },
    }),
    db.category.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] }),
  ]);
  return new ProductSnapshot(
    products.map(({ categories: links, ...product }) => ({ ...product, categoryIds: links.map((link) => link.categoryId) })),
    categories,
  );
}

/** Straight from the tables on every read (tests, and an app built without a cache). */
export function productsFromTable(db: Database): ActiveProducts {
  return { snapshot: () => readProductSnapshot(db) };
}
