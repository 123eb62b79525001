// The one way a payment attempt changes status, called only by settlePayment (settle.ts): a
// conditional update (only if it is still in the status the caller saw) plus its PaymentEvent
// row, in the caller's transaction. Two processes racing for the same change both issue the
// update; the database lets exactly one of them match.
import { Prisma, type PaymentStatus } from '../generated/prisma/client';
import { canTransition } from './payment-states';

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(readonly from: PaymentStatus, readonly to: PaymentStatus) {
    super(`payment status cannot go from ${from} to ${to}`);
  }
}

/** What a status change may write along with the status: what the bank's answer told us. */
export interface PaymentColumns {
  tsNo?: string | null;
  cardPayUrl?: string | null;
  atmPayNo?: string | null;
  atmBankCode?: string | null;
  webAtmUrl?: string | null;
  atmDeadline?: Date | null;
  payDate?: Date | null;
  cardLast4?: string | null;
  payToken?: string | null;
  failureCode?: string | null;
  failureReason?: string | null;
  refundedAmount?: number;
}

/** The column each name stands for: a name not listed here never reaches the SQL text. */
const COLUMNS: { [name in keyof Required<PaymentColumns>]: Prisma.Sql } = {
  tsNo: Prisma.raw('"tsNo"'),
  cardPayUrl: Prisma.raw('"cardPayUrl"'),
  atmPayNo: Prisma.raw('"atmPayNo"'),
  atmBankCode: Prisma.raw('"atmBankCode"'),
  webAtmUrl: Prisma.raw('"webAtmUrl"'),
  atmDeadline: Prisma.raw('"atmDeadline"'),
  payDate: Prisma.raw('"payDate"'),
  cardLast4: Prisma.raw('"cardLast4"'),
  payToken: Prisma.raw('"payToken"'),
  failureCode: Prisma.raw('"failureCode"'),
  failureReason: Prisma.raw('"failureReason"'),
  refundedAmount: Prisma.raw('"refundedAmount"'),
};

export interface StatusChange {
  paymentId: string;
  from: PaymentStatus;
  to: PaymentStatus;
  data?: PaymentColumns;
  reason: string;
  payToken?: string;
}

/** True when this call made the change; false when the attempt was no longer in `from`. */
export async function changePaymentStatus(tx: Prisma.TransactionClient, change: StatusChange): Promise<boolean> {
  const { paymentId, from, to, data = {}, reason, payToken } = change;
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  // The update and its event in one statement, one round trip fewer while settle holds the row
  // lock. Timestamps are UTC wall time, as Prisma writes them (Dates are sent in UTC as well).
  const columns = (Object.keys(COLUMNS) as Array<keyof PaymentColumns>)
    .filter((name) => data[name] !== undefined)
    .map((name) => Prisma.sql`, ${COLUMNS[name]} = ${data[name]}`);
  const events = await tx.$queryRaw<unknown[]>`
    WITH changed AS (
      UPDATE "Payment" SET "status" = ${to}::"PaymentStatus", "updatedAt" = now() AT TIME ZONE 'UTC'${columns.length > 0 ? Prisma.join(columns, '') : Prisma.empty}
      WHERE "id" = ${paymentId} AND "status" = ${from}::"PaymentStatus"
      RETURNING "id"
    )
    INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", "applied", "reason", "payToken", "createdAt")
    SELECT "id", ${from}::"PaymentStatus", ${to}::"PaymentStatus", true, ${reason}, ${payToken ?? null}, now() AT TIME ZONE 'UTC' FROM changed
    RETURNING "id"`;
  return events.length === 1;
}

/** Keeps the record of a change that was asked for and not made: illegal, mismatched or untrusted. */
export async function recordRefusedChange(
  tx: Prisma.TransactionClient,
  refusal: { paymentId: string; from: PaymentStatus; to: PaymentStatus; reason: string; payToken?: string },
): Promise<void> {
  const { paymentId, from, to, reason, payToken } = refusal;
  await tx.paymentEvent.create({ data: { paymentId, fromStatus: from, toStatus: to, applied: false, reason, payToken } });
}
