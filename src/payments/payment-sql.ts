// The payments' typed SQL: the statements made on every bank callback (five deliveries per
// payment) and every bank call, and the status change every applied result makes. Everything else
// in payments goes through Prisma's query builder. These are plain SQL because through the builder
// each cost two to three times the client CPU of the same SQL, the larger part of a repeated
// delivery's cost; the PayToken log's row, the attempt a pay result names and the bank-call audit
// go on the pg pool beneath Prisma itself, since even as raw SQL Prisma's runtime around them cost
// a tenth of a callback's CPU (measured on the bench's burst, docs/database.md). This is the one
// module of the shop's feature code that reaches that pool.
import type pg from 'pg';
import { poolOf, type Database } from '../db/prisma';
import { Prisma, type InvoiceRecipient, type PaymentStatus, type PayTokenSource } from '../generated/prisma/client';
import type { AttemptAtShop } from '../sinopac/shop-bank';
import { mailRows, mailWakeUp } from '../mail/outbox';

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
const UNKNOWN_REMEMBERED_MS = 10 * 60_000;

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

/** What handling the delivery came to (final, or "unavailable:…" for the bank to retry), and its attempt; also inside applyBankResult's transaction. */
export async function recordDeliveryOutcome(db: Prisma.TransactionClient, rowId: number, outcome: string, paymentId?: string): Promise<void> {
  await db.$executeRaw`UPDATE "PayToken" SET "outcome" = ${outcome}, "paymentId" = ${paymentId ?? null} WHERE "id" = ${rowId}`;
}

/** The attempt a pay result names, with what checking the result against it needs. */
export interface AttemptRow extends AttemptAtShop {
  id: string;
  orderId: string;
  status: PaymentStatus;
}

/** Once per paying delivery. */
export async function attemptByOrderNo(db: Database, orderNo: string): Promise<AttemptRow | undefined> {
  const { rows } = await poolOf(db).query<AttemptRow>(
    'SELECT "id", "orderId", "status", "orderNo", "amount", "payType", "tsNo" FROM "Payment" WHERE "orderNo" = $1',
    [orderNo],
  );
  return rows[0];
}

/** One bank call's audit row, as exchange-audit.ts has cleaned it. */
export interface ExchangeRow {
  service: string;
  orderNo: string | null;
  /** JSON text. */
  request: string;
  response: string | null;
  durationMs: number;
  outcome: string;
  errorCode: string | null;
}

/**
 * One statement per bank call. The attempt's id comes from a subquery on the unique OrderNo (null
 * when there is none, or no such attempt) rather than a lookup of its own before every insert.
 */
export async function insertExchange(pool: Pick<pg.Pool, 'query'>, row: ExchangeRow): Promise<void> {
  await pool.query(
    `INSERT INTO "GatewayExchange" ("service", "orderNo", "paymentId", "request", "response", "durationMs", "outcome", "errorCode", "createdAt")
     VALUES ($1, $2::text, (SELECT id FROM "Payment" WHERE "orderNo" = $2::text), $3::jsonb, $4::jsonb, $5, $6, $7, now() AT TIME ZONE 'UTC')`,
    [row.service, row.orderNo, row.request, row.response, row.durationMs, row.outcome, row.errorCode],
  );
}

/** An order a payment has just paid, with what its e-invoice needs. */
export interface OrderPaidNow {
  id: string;
  number: string;
  totalTwd: number;
  invoiceRecipient: InvoiceRecipient | null;
}

/**
 * The status update of an attempt, only if it is still in `from`, and its PaymentEvent, in one
 * statement: round trips saved while applyBankResult holds the row lock. `columns` are the other
 * columns to set, already named (payment-states.ts names them). With `deliveryRowId`, the
 * delivery's PayToken row is marked applied by the same statement; with `paidAt` (a change into
 * paid), the money is booked (the MoneyMovement the daily settlement matches, once, at paidAt), the
 * shopper's payment-received mail is owed (once per order) and the order, if it was awaiting
 * payment, is paid by this attempt's method. Returns whether the attempt matched and, with
 * `paidAt`, the order it paid (null when the order was in another status).
 */
export async function updatePaymentStatus(
  tx: Prisma.TransactionClient,
  change: {
    paymentId: string;
    from: PaymentStatus;
    to: PaymentStatus;
    columns: Prisma.Sql[];
    reason: string;
    payToken: string | null;
    deliveryRowId?: number;
    paidAt?: Date;
  },
): Promise<{ changed: boolean; orderPaid: OrderPaidNow | null }> {
  const { paymentId, from, to, columns, reason, payToken, deliveryRowId, paidAt } = change;
  const now = Prisma.sql`now() AT TIME ZONE 'UTC'`;
  const delivery = deliveryRowId === undefined ? Prisma.empty : Prisma.sql`, delivery AS (
      UPDATE "PayToken" SET "outcome" = 'applied', "paymentId" = ${paymentId} WHERE "id" = ${deliveryRowId} AND EXISTS (SELECT 1 FROM changed)
    )`;
  const paying = paidAt === undefined ? Prisma.empty : Prisma.sql`, booked AS (
      INSERT INTO "MoneyMovement" ("kind", "paymentId", "amount", "occurredAt", "createdAt")
      SELECT 'payment', "id", "amount", ${paidAt}, ${now} FROM changed
    ), ordered AS (
      UPDATE "Order" o SET "status" = 'paid', "paidAt" = ${paidAt}, "payType" = c."payType", "updatedAt" = ${now}
      FROM changed c WHERE o."id" = c."orderId" AND o."status" = 'awaiting_payment'
      RETURNING o."id", o."number", o."totalTwd", o."invoiceRecipient"
    ), ${mailRows('mailed', 'payment_received', Prisma.sql`changed`)}`;
  const [row] = await tx.$queryRaw<Array<{ changed: number; orderPaid: OrderPaidNow | null }>>`
    WITH changed AS (
      UPDATE "Payment" SET "status" = ${to}::"PaymentStatus", "updatedAt" = ${now}${columns.length > 0 ? Prisma.join(columns, '') : Prisma.empty}
      WHERE "id" = ${paymentId} AND "status" = ${from}::"PaymentStatus"
      RETURNING "id", "id" AS "paymentId", "orderId", "amount", "payType"
    ), event AS (
      INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", "applied", "reason", "payToken", "createdAt")
      SELECT "id", ${from}::"PaymentStatus", ${to}::"PaymentStatus", true, ${reason}, ${payToken}, ${now} FROM changed
      RETURNING "id"
    )${delivery}${paying}
    SELECT (SELECT count(*) FROM event)::int AS "changed",
      ${paidAt === undefined ? Prisma.sql`NULL AS "orderPaid"` : Prisma.sql`(SELECT row_to_json(ordered) FROM ordered) AS "orderPaid", ${mailWakeUp(['mailed'])} AS "mailsWoken"`}`;
  return { changed: row!.changed === 1, orderPaid: row!.orderPaid };
}
