// The merchant's stock changes: goods in (restock), a count that differs (correction) and goods
// lost (damaged), each recorded with who made it, when, and the stock before and after.
//
// A change is one SQL statement: the UPDATE adds the difference to whatever the stock is at that
// moment, under the row lock that checkout's reservation (orders/stock-reservation.ts) also takes,
// and the history row is written from the row the UPDATE returns. So a change never overwrites a
// sale made while the form was open, and before/after are the true values, however many
// merchants and shoppers act at once. A change that would take the stock below zero changes
// nothing (and the CHECK Product_stock_check stands behind it).
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { StockChangeReason } from '../generated/prisma/enums';
import { hasNoControlCharacters } from '../web/plain-text';
import { MAX_STOCK } from './product-form';

const stockChangeSchema = z.object({
  delta: z
    .string('admin.stock.error.delta')
    .transform((value) => value.normalize('NFKC').replace(/[\s,]/g, '').replace(/^\u2212/, '-'))
    .pipe(z.string().regex(/^[+-]?\d{1,7}$/, 'admin.stock.error.delta'))
    .transform(Number)
    .pipe(z.number().int().min(-MAX_STOCK, 'admin.stock.error.delta').max(MAX_STOCK, 'admin.stock.error.delta').refine((n) => n !== 0, 'admin.stock.error.delta')),
  reason: z.enum(StockChangeReason, 'admin.stock.error.reason'),
  note: z
    .string()
    .optional()
    .transform((value) => value?.normalize('NFC').trim() || undefined)
    .pipe(z.string().max(200, 'admin.stock.error.note').refine(hasNoControlCharacters, 'admin.stock.error.note').optional()),
});

export type StockChangeForm = z.output<typeof stockChangeSchema>;
export type StockChangeErrors = Partial<Record<keyof StockChangeForm, string>>;

export function readStockChangeForm(body: unknown): { form: StockChangeForm } | { errors: StockChangeErrors } {
  const parsed = stockChangeSchema.safeParse(body ?? {});
  if (parsed.success) return { form: parsed.data };
  const errors: StockChangeErrors = {};
  for (const issue of parsed.error.issues) errors[issue.path[0] as keyof StockChangeForm] ??= issue.message;
  return { errors };
}

export type StockChangeResult =
  | { kind: 'changed'; stockBefore: number; stockAfter: number }
  | { kind: 'below_zero'; stock: number }
  | { kind: 'not_found' };

export async function changeStock(db: Database, change: StockChangeForm & { productId: number; who: string }): Promise<StockChangeResult> {
  const { productId, delta, reason, who } = change;
  const note = change.note ?? null;
  // Timestamps as Prisma writes them: UTC in a column without a time zone.
  const [row] = await db.$queryRaw<{ stockBefore: number; stockAfter: number }[]>`
    WITH changed AS (
      UPDATE "Product" SET stock = stock + ${delta}::int, "updatedAt" = now() AT TIME ZONE 'UTC'
       WHERE id = ${productId} AND stock + ${delta}::int >= 0
      RETURNING stock
    )
    INSERT INTO "StockChange" ("productId", delta, "stockBefore", "stockAfter", reason, who, note, "createdAt")
    SELECT ${productId}, ${delta}::int, stock - ${delta}::int, stock, ${reason}::"StockChangeReason", ${who}, ${note}, now() AT TIME ZONE 'UTC'
      FROM changed
    RETURNING "stockBefore", "stockAfter"`;
  if (row) return { kind: 'changed', ...row };
  const product = await db.product.findUnique({ where: { id: productId }, select: { stock: true } });
  return product ? { kind: 'below_zero', stock: product.stock } : { kind: 'not_found' };
}

/** The product's stock changes, newest first. */
export function stockHistory(db: Database, productId: number, take = 50) {
  return db.stockChange.findMany({ where: { productId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take });
}
