// How the money paths make concurrent work take turns: row locks held to the end of a transaction,
// the transaction settings they run with, and recognising the unique-index refusal that stands
// behind the locks (migration payment_guarantees).
import { Prisma } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/** Long enough to wait behind another change of the same attempt, short enough to fail a stuck one. */
export const MONEY_TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;

export type LockedPayment = Prisma.PaymentGetPayload<object>;

// Locks and reads the row in one round trip. Prisma types a raw row by its columns' database types,
// which for this table are the model's own: enum columns come back as their names, timestamp
// columns as Dates, integer columns as numbers (Int is int4; no BigInt or Decimal here). A column
// added to Payment with another type must be checked here too.
export async function lockPayment(tx: Tx, paymentId: string): Promise<LockedPayment | undefined> {
  const [row] = await tx.$queryRaw<LockedPayment[]>`SELECT * FROM "Payment" WHERE id = ${paymentId} FOR UPDATE`;
  return row;
}

/** False when there is no such order. */
export async function lockOrder(tx: Tx, orderId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Order" WHERE id = ${orderId} FOR UPDATE`;
  return rows.length > 0;
}

/** The product's stock, read under its row lock. */
export async function lockProductStock(tx: Tx, productId: number): Promise<number | undefined> {
  const [row] = await tx.$queryRaw<{ stock: number }[]>`SELECT stock FROM "Product" WHERE id = ${productId} FOR UPDATE`;
  return row?.stock;
}

/** A unique index refused the write, made by Prisma's query builder or in raw SQL: someone else already made it. */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  // A raw statement's failure (P2010) carries the driver's own error.
  const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: unknown } } | undefined)?.cause;
  return error.code === 'P2010' && cause?.originalCode === '23505';
}
