// What the shop sells, as shoppers may see it: only active products.
import type { Database } from '../db/prisma';
import type { Product } from '../generated/prisma/client';

export function listProducts(db: Database): Promise<Product[]> {
  return db.product.findMany({ where: { active: true }, orderBy: { id: 'asc' } });
}

export function findProductBySlug(db: Database, slug: string): Promise<Product | null> {
  return db.product.findFirst({ where: { slug, active: true } });
}

export function findProductById(db: Database, id: number): Promise<Product | null> {
  return db.product.findFirst({ where: { id, active: true } });
}
