// The shop's side of one Taipei day: the money movements it booked that day (MoneyMovement, written
// once by settle when the money moved, at the time it happened), plus every attempt and refund of an
// order the bank's lines name, whatever day it was booked on. A row's updatedAt is never a booking
// day: a later re-check or a partial refund changes the row, not the day its money moved.
import type { Database } from '../db/prisma';
import type { ShopBookings, ShopPayment, ShopRefund } from './match';
import { taipeiDayBounds, taipeiDayOf } from './bank-dates';

/** OrderNos asked about per statement: a day of 100,000 lines stays far below the bind-parameter limit. */
const ORDER_NOS_PER_QUERY = 5_000;

const paymentFields = {
  id: true,
  orderId: true,
  orderNo: true,
  payType: true,
  amount: true,
  moneyMovements: { where: { kind: 'payment' }, select: { occurredAt: true } },
} as const;
const refundFields = { id: true, refundId: true, amount: true, occurredAt: true, payment: { select: { id: true, orderId: true, orderNo: true, payType: true } } } as const;

function inChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Rows of several queries, each once. */
function distinct<T extends { id: string | number }>(lists: readonly T[][]): T[] {
  return [...new Map(lists.flat().map((row) => [row.id, row])).values()];
}

// The day's bookings and those of the orders the lines name are separate queries (an OR of the two
// could use neither index), the second in chunks of OrderNos.
export async function loadShopBookings(db: Database, day: string, lineOrderNos: readonly string[]): Promise<ShopBookings> {
  const { start, end } = taipeiDayBounds(day);
  const during = { gte: start, lt: end };
  const chunks = inChunks(lineOrderNos, ORDER_NOS_PER_QUERY);
  const payments = distinct([
    await db.payment.findMany({ where: { moneyMovements: { some: { kind: 'payment', occurredAt: during } } }, select: paymentFields }),
    ...(await Promise.all(chunks.map((orderNos) => db.payment.findMany({ where: { orderNo: { in: orderNos } }, select: paymentFields })))),
  ]);
  // Cancelled authorisations are movements too, but no bill lists money that was never captured.
  const refundsOnly = { kind: 'refund', refund: { kind: 'refund' } } as const;
  const refunds = distinct([
    await db.moneyMovement.findMany({ where: { ...refundsOnly, occurredAt: during }, select: refundFields }),
    ...(await Promise.all(chunks.map((orderNos) => db.moneyMovement.findMany({ where: { ...refundsOnly, payment: { orderNo: { in: orderNos } } }, select: refundFields })))),
  ]);
  return {
    payments: payments.map((p): ShopPayment => {
      const collected = p.moneyMovements[0];
      return {
        paymentId: p.id,
        orderId: p.orderId,
        orderNo: p.orderNo,
        payType: p.payType,
        amount: p.amount,
        bookedDay: collected ? taipeiDayOf(collected.occurredAt) : undefined,
      };
    }),
    refunds: refunds.map((r): ShopRefund => ({
      refundId: r.refundId!,
      paymentId: r.payment.id,
      orderId: r.payment.orderId,
      orderNo: r.payment.orderNo,
      payType: r.payment.payType,
      amount: r.amount,
      bookedDay: taipeiDayOf(r.occurredAt),
    })),
  };
}
