// The PayToken log's statements, the ones every bank callback makes (five deliveries per payment):
// in plain SQL, because through Prisma's query builder each cost two to three times the client CPU
// of the same SQL, and together they were the larger part of a repeated delivery's cost. The
// delivery's row is written on the pg pool itself: even as raw SQL, Prisma's runtime around it cost
// a tenth of a callback's CPU (measured on the bench's burst). Settle marks a row applied inside its
// own transaction, with recordDeliveryOutcome.
import { poolOf, type Database } from '../db/prisma';
import type { PayTokenSource, Prisma } from '../generated/prisma/client';

export interface LoggedDelivery {
  source: PayTokenSource;
  shopNo: string;
  payToken: string;
  rawBody: string;
}

/** What an earlier delivery of the same token came to, taken again without asking the bank. */
export type RepeatedOutcome = 'already_applied' | 'refused' | 'mismatch' | 'unsupported' | 'unknown';

/** The delivery's row, and what it came to when that was known as it was written. */
export type LoggedDeliveryRow =
  | { rowId: number; outcome: null }
  /** The delivery names another shop: the bank is not asked. */
  | { rowId: number; outcome: 'foreign_shop' }
  /**
   * An earlier delivery of the token ended for good: a PayToken's result never changes, so this one
   * ends the same way (applied: already_applied), with the attempt it was about, if any.
   */
  | { rowId: number; outcome: RepeatedOutcome; payment?: { id: string; orderId: string } };

/** How long a token the bank did not know is answered as unknown from the log (the bank's retry interval). */
export const UNKNOWN_REMEMBERED_MS = 10 * 60_000;

/**
 * Writes the delivery's row, before anything else is done with it. In the same statement it
 * settles what needs no bank: a delivery for another shop, or a token an earlier delivery settled
 * (four of the bank's five deliveries of a payment, and a shopper's return the notification came
 * before, end here, in this one round trip), or found unknown at the bank in the last ten minutes,
 * by any process.
 */
export async function logDelivery(db: Database, delivery: LoggedDelivery, ourShopNo: string): Promise<LoggedDeliveryRow> {
  // receivedAt in UTC wall time, as Prisma writes its timestamp columns.
  const { rows: [row] } = await poolOf(db).query<{ id: number; outcome: string | null; paymentId: string | null; orderId: string | null }>(
    `WITH earlier AS (
       SELECT t."outcome", p."id", p."orderId" FROM "PayToken" t LEFT JOIN "Payment" p ON p."id" = t."paymentId"
       WHERE t."token" = $1 AND (
         (t."outcome" IN ('applied', 'already_applied', 'refused', 'mismatch', 'unsupported') AND p."id" IS NOT NULL)
         OR (t."outcome" = 'unknown' AND t."receivedAt" > (now() AT TIME ZONE 'UTC') - $6::int * interval '1 millisecond'))
       ORDER BY t."outcome" = 'applied' DESC, t."id" DESC
       LIMIT 1
     ), logged AS (
       INSERT INTO "PayToken" ("token", "source", "shopNo", "rawBody", "receivedAt", "outcome", "paymentId")
       SELECT $1, $2::"PayTokenSource", $3, $4, now() AT TIME ZONE 'UTC',
         CASE WHEN $3::text <> $5::text THEN 'foreign_shop' WHEN e."outcome" = 'applied' THEN 'already_applied' ELSE e."outcome" END,
         CASE WHEN $3::text = $5::text THEN e."id" END
       FROM (VALUES (1)) AS one LEFT JOIN earlier e ON true
       RETURNING "id", "outcome", "paymentId"
     )
     SELECT l."id", l."outcome", l."paymentId", e."orderId" FROM logged l LEFT JOIN earlier e ON e."id" = l."paymentId"`,
    [delivery.payToken, delivery.source, delivery.shopNo, delivery.rawBody, ourShopNo, UNKNOWN_REMEMBERED_MS],
  );
  const { id: rowId, outcome, paymentId, orderId } = row!;
  if (outcome === null) return { rowId, outcome };
  if (outcome === 'foreign_shop') return { rowId, outcome };
  const payment = paymentId !== null && orderId !== null ? { id: paymentId, orderId } : undefined;
  return { rowId, outcome: outcome as RepeatedOutcome, ...(payment && { payment }) };
}

/** What handling the delivery came to (final, or "unavailable:…" for the bank to retry), and its attempt. */
export async function recordDeliveryOutcome(db: Prisma.TransactionClient, rowId: number, outcome: string, paymentId?: string): Promise<void> {
  await db.$executeRaw`UPDATE "PayToken" SET "outcome" = ${outcome}, "paymentId" = ${paymentId ?? null} WHERE "id" = ${rowId}`;
}
