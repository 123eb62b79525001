// The shop's side of one Taipei day: the money movements it booked that day (MoneyMovement, written
// once by settle when the money moved, at the time it happened), plus every attempt and refund of an
// order the bank's lines name, whatever day it was booked on. A row's updatedAt is never a booking
// day: a later re-check or a partial refund changes the row, not the day its money moved.
import type { Database } from '../db/prisma';
import { Prisma } from '../generated/prisma/client';
import type { ShopBookings, ShopPayment, ShopRefund } from './match';
import { taipeiDayBounds, taipeiDayOf } from './bank-dates';

// Each side is one statement: the day's movements and the named OrderNos (one array parameter,
// however many lines the bill has) are a UNION of two index lookups, since an OR of the two could
// use neither index. Written out in SQL: Prisma's relation filters, a chunk of 5,000 OrderNos at a
// time, made the planner read most of MoneyMovement for each chunk (10 s for a day of 100,000
// lines at a million orders).
interface PaymentRow {
  paymentId: string;
  orderId: string;
  orderNo: string;
  payType: string;
  amount: number;
  collectedAt: Date | null;
}

interface RefundRow {
  refundId: string;
  paymentId: string;
  orderId: string;
  orderNo: string;
  payType: string;
  amount: number;
  occurredAt: Date;
}

/** A time as the columns hold it: UTC, without a zone. */
const utc = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp(3)`;

export async function loadShopBookings(db: Database, day: string, lineOrderNos: readonly string[]): Promise<ShopBookings> {
  const { start, end } = taipeiDayBounds(day);
  const during = Prisma.sql`"occurredAt" >= ${utc(start)} AND "occurredAt" < ${utc(end)}`;
  const orderNos = [...lineOrderNos];
  const payments = await db.$queryRaw<PaymentRow[]>`
    SELECT p.id AS "paymentId", p."orderId", p."orderNo", p."payType"::text AS "payType", p.amount,
           (SELECT m."occurredAt" FROM "MoneyMovement" m WHERE m."paymentId" = p.id AND m.kind = 'payment' LIMIT 1) AS "collectedAt"
    FROM "Payment" p
    WHERE p.id IN (SELECT "paymentId" FROM "MoneyMovement" WHERE kind = 'payment' AND ${during}
                   UNION SELECT id FROM "Payment" WHERE "orderNo" = ANY(${orderNos}::text[]))`;
  // Cancelled authorisations are movements too, but no bill lists money that was never captured.
  const refunds = await db.$queryRaw<RefundRow[]>`
    SELECT m."refundId", m.amount, m."occurredAt", p.id AS "paymentId", p."orderId", p."orderNo", p."payType"::text AS "payType"
    FROM "MoneyMovement" m JOIN "Refund" r ON r.id = m."refundId" JOIN "Payment" p ON p.id = m."paymentId"
    WHERE m.kind = 'refund' AND r.kind = 'refund' AND m.id IN (
      SELECT id FROM "MoneyMovement" WHERE kind = 'refund' AND ${during}
      UNION SELECT n.id FROM "MoneyMovement" n JOIN "Payment" q ON q.id = n."paymentId" WHERE n.kind = 'refund' AND q."orderNo" = ANY(${orderNos}::text[]))`;
  return {
    payments: payments.map((p): ShopPayment => ({
      paymentId: p.paymentId,
      orderId: p.orderId,
      orderNo: p.orderNo,
      payType: p.payType,
      amount: p.amount,
      bookedDay: p.collectedAt ? taipeiDayOf(p.collectedAt) : undefined,
    })),
    refunds: refunds.map((r): ShopRefund => ({
      refundId: r.refundId,
      paymentId: r.paymentId,
      orderId: r.orderId,
      orderNo: r.orderNo,
      payType: r.payType,
      amount: r.amount,
      bookedDay: taipeiDayOf(r.occurredAt),
    })),
  };
}
