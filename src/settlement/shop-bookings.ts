// The shop's side of one Taipei day: the money movements it booked that day (MoneyMovement, written
// once by settle when the money moved, at the time it happened), plus every attempt and refund of an
// order the bank's lines name, whatever day it was booked on. A row's updatedAt is never a booking
// day: a later re-check or a partial refund changes the row, not the day its money moved.
import type { Database } from '../db/prisma';
import type { ShopBookings, ShopPayment, ShopRefund } from './match';
import { taipeiDayBounds, taipeiDayOf } from './bank-dates';

export async function loadShopBookings(db: Database, day: string, lineOrderNos: readonly string[]): Promise<ShopBookings> {
  const { start, end } = taipeiDayBounds(day);
  const during = { gte: start, lt: end };
  const named = { orderNo: { in: [...lineOrderNos] } };
  const payments = await db.payment.findMany({
    where: {
      OR: [{ moneyMovements: { some: { kind: 'payment', occurredAt: during } } }, named],
    },
    select: {
      id: true,
      orderId: true,
      orderNo: true,
      payType: true,
      amount: true,
      moneyMovements: { where: { kind: 'payment' }, select: { occurredAt: true } },
    },
  });
  // Cancelled authorisations are movements too, but no bill lists money that was never captured.
  const refunds = await db.moneyMovement.findMany({
    where: {
      kind: 'refund',
      refund: { kind: 'refund' },
      OR: [{ occurredAt: during }, { payment: named }],
    },
    select: { refundId: true, amount: true, occurredAt: true, payment: { select: { id: true, orderId: true, orderNo: true, payType: true } } },
  });
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
