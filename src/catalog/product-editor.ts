// What the merchant does to a product's details in the back office: create it (with its opening
// stock, recorded like any stock change) and edit it. The slug is unique, and fixed once an order
// names the product, so the links in that order's e-mails keep working. Nothing here deletes a
// product: archiving (a state) takes it off sale while its orders keep every line they had.
import type { Database } from '../db/prisma';
import { isUniqueViolation } from '../db/row-locks';
import type { Prisma } from '../generated/prisma/client';
import type { NewProduct, ProductDetails, ProductErrors } from './product-form';

export type ProductEditResult = { kind: 'saved'; productId: number } | { kind: 'refused'; errors: ProductErrors } | { kind: 'not_found' };

type Tx = Prisma.TransactionClient;

/** Shelves that do not exist (removed while the form was open) are a refusal, not a silent drop. */
async function unknownCategories(tx: Tx, ids: number[]): Promise<boolean> {
  if (ids.length === 0) return false;
  return (await tx.category.count({ where: { id: { in: ids } } })) !== new Set(ids).size;
}

function detailsOf(fields: ProductDetails) {
  const { nameZh, nameEn, descriptionZh, descriptionEn, slug, priceTwd, status } = fields;
  return { nameZh, nameEn, descriptionZh, descriptionEn, slug, priceTwd, status };
}

async function saving(work: () => Promise<ProductEditResult>): Promise<ProductEditResult> {
  try {
    return await work();
  } catch (error) {
    // The only unique column a product form writes.
    if (isUniqueViolation(error)) return { kind: 'refused', errors: { slug: 'admin.product.error.slugTaken' } };
    throw error;
  }
}

export function createProduct(db: Database, fields: NewProduct, who: string): Promise<ProductEditResult> {
  return saving(() =>
    db.$transaction(async (tx) => {
      if (await unknownCategories(tx, fields.categoryIds)) return { kind: 'refused', errors: { categoryIds: 'admin.product.error.categories' } };
      const product = await tx.product.create({
        data: {
          ...detailsOf(fields),
          stock: fields.stock,
          categories: { create: fields.categoryIds.map((categoryId) => ({ categoryId })) },
          ...(fields.stock > 0 && {
            stockChanges: { create: { delta: fields.stock, stockBefore: 0, stockAfter: fields.stock, reason: 'restock', who } },
          }),
        },
        select: { id: true },
      });
      return { kind: 'saved', productId: product.id };
    }),
  );
}

export function updateProduct(db: Database, productId: number, fields: ProductDetails): Promise<ProductEditResult> {
  return saving(() =>
    db.$transaction(async (tx) => {
      const current = await tx.product.findUnique({ where: { id: productId }, select: { slug: true, _count: { select: { orderLines: true } } } });
      if (!current) return { kind: 'not_found' };
      if (fields.slug !== current.slug && current._count.orderLines > 0) return { kind: 'refused', errors: { slug: 'admin.product.error.slugLocked' } };
      if (await unknownCategories(tx, fields.categoryIds)) return { kind: 'refused', errors: { categoryIds: 'admin.product.error.categories' } };
      await tx.product.update({ where: { id: productId }, data: detailsOf(fields), select: { id: true } });
      await tx.productCategory.deleteMany({ where: { productId, categoryId: { notIn: fields.categoryIds } } });
      await tx.productCategory.createMany({ data: fields.categoryIds.map((categoryId) => ({ productId, categoryId })), skipDuplicates: true });
      return { kind: 'saved', productId };
    }),
  );
}
