// The back office's products: the search and filter form and the condition it stands for, the list
// a page at a time, and everything one product's page shows.
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { stockHistory } from '../catalog/stock';
import { hasNoControlCharacters, MAX_SERIAL_ID } from '../web/plain-text';

/** At or below this many, an active product is listed under "low stock". */
export const LOW_STOCK = 5;
const PRODUCT_PAGE_SIZE = 25;

/** An empty form field means "no filter". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

export const PRODUCT_FILTERS = ['active', 'draft', 'sold_out', 'low_stock', 'archived'] as const;

export const productFiltersSchema = z.object({
  q: optional(z.string().trim().max(100).refine(hasNoControlCharacters, 'must not contain control characters')),
  show: optional(z.enum(PRODUCT_FILTERS)),
  page: optional(z.coerce.number().int().min(1).max(100_000)),
});

export type ProductFilters = z.output<typeof productFiltersSchema>;

function productCondition(filters: ProductFilters): Prisma.ProductWhereInput {
  const conditions: Prisma.ProductWhereInput[] = [];
  if (filters.q) {
    const text = { contains: filters.q.normalize('NFKC'), mode: 'insensitive' } as const;
    conditions.push({ OR: [{ nameZh: text }, { nameEn: text }, { slug: text }] });
  }
  switch (filters.show) {
    case undefined:
      // Archived products are kept for their orders, not for the day's work.
      conditions.push({ status: { not: 'archived' } });
      break;
    case 'active':
    case 'draft':
    case 'archived':
      conditions.push({ status: filters.show });
      break;
    case 'sold_out':
      conditions.push({ status: { not: 'archived' }, stock: 0 });
      break;
    case 'low_stock':
      conditions.push({ status: { not: 'archived' }, stock: { gt: 0, lte: LOW_STOCK } });
      break;
  }
  return { AND: conditions };
}

/** The filters as a query string, for page links; the page itself is left out. */
export function productFilterQuery(filters: ProductFilters): string {
  const params = new URLSearchParams();
  if (filters.q) params.set('q', filters.q);
  if (filters.show) params.set('show', filters.show);
  return params.toString();
}

const firstPhoto = {
  photos: { orderBy: [{ position: 'asc' }, { id: 'asc' }], take: 1, select: { id: true, contentHash: true, width: true, height: true } },
} satisfies Prisma.ProductInclude;

export async function findProductPage(db: Database, filters: ProductFilters) {
  const where = productCondition(filters);
  const page = filters.page ?? 1;
  const [total, products] = await db.$transaction([
    db.product.count({ where }),
    db.product.findMany({ where, orderBy: { id: 'desc' }, include: firstPhoto, skip: (page - 1) * PRODUCT_PAGE_SIZE, take: PRODUCT_PAGE_SIZE }),
  ]);
  return { products, total, page, pageCount: Math.max(1, Math.ceil(total / PRODUCT_PAGE_SIZE)) };
}

/** A row's id in a path: anything else names nothing. */
export const idSchema = z.coerce.number().int().min(1).max(MAX_SERIAL_ID);

/** One product as its back-office page shows it: details, shelves, photos, stock history and how many order lines name it. */
export async function findProductRecord(db: Database, productId: number) {
  const product = await db.product.findUnique({
    where: { id: productId },
    include: {
      categories: { select: { categoryId: true } },
      photos: { orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { id: true, contentHash: true, width: true, height: true, mime: true } },
      _count: { select: { orderLines: true } },
    },
  });
  if (!product) return undefined;
  return { product, stockChanges: await stockHistory(db, productId) };
}

export type ProductRecord = NonNullable<Awaited<ReturnType<typeof findProductRecord>>>;

export function listCategories(db: Database) {
  return db.category.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
}
