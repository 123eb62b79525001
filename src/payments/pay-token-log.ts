// The PayToken log's three statements, the ones every bank callback makes (five deliveries per
// payment): in plain SQL, because through Prisma's query builder each cost two to three times the
// client CPU of the same SQL, and together they were the larger part of a repeated delivery's cost.
// Settle marks a row applied inside its own transaction (settle.ts); everything else is here.
import type { Database } from '../db/prisma';
import type { PayTokenSource } from '../generated/prisma/client';

export interface LoggedDelivery {
  source: PayTokenSource;
  shopNo: string;
  payToken: string;
  rawBody: string;
}

/** Writes the delivery's row, before anything else is done with it, and returns the row's id. */
export async function logDelivery(db: Database, delivery: LoggedDelivery): Promise<number> {
  // receivedAt in UTC wall time, as Prisma writes its timestamp columns.
  const [row] = await db.$queryRaw<Array<{ id: number }>>`
    INSERT INTO "PayToken" ("token", "source", "shopNo", "rawBody", "receivedAt")
    VALUES (${delivery.payToken}, ${delivery.source}::"PayTokenSource", ${delivery.shopNo}, ${delivery.rawBody}, now() AT TIME ZONE 'UTC')
    RETURNING "id"`;
  return row!.id;
}

/** The attempt an earlier delivery of this token was applied to, if any (the row `rowId` aside). */
export async function appliedEarlier(db: Database, payToken: string, rowId: number): Promise<{ id: string; orderId: string } | undefined> {
  const [row] = await db.$queryRaw<Array<{ id: string; orderId: string }>>`
    SELECT p."id", p."orderId" FROM "PayToken" t JOIN "Payment" p ON p."id" = t."paymentId"
    WHERE t."token" = ${payToken} AND t."outcome" = 'applied' AND t."id" <> ${rowId}
    LIMIT 1`;
  return row;
}

/** What handling the delivery came to (final, or "unavailable:…" for the bank to retry), and its attempt. */
export async function recordDeliveryOutcome(db: Database, rowId: number, outcome: string, paymentId?: string): Promise<void> {
  await db.$executeRaw`UPDATE "PayToken" SET "outcome" = ${outcome}, "paymentId" = ${paymentId ?? null} WHERE "id" = ${rowId}`;
}
