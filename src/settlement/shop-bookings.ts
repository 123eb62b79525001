// The shop's side of one Taipei day: the attempts it booked as collected and the refunds it made,
// plus every attempt and refund of an order the bank's lines name, whatever day it was booked on.
import type { Database } from '../db/prisma';
import type { ShopBookings, ShopPayment, ShopRefund } from './match';
import { taipeiDayBounds, taipeiDayOf } from './bank-dates';

// Money the shop has as taken: paid, or paid and then refunded in full.
const COLLECTED = ['paid', 'refunded'] as const;

export async function loadShopBookings(db: Database, day: string, lineOrderNos: readonly string[]): Promise<ShopBookings> {
  const { start, end } = taipeiDayBounds(day);
  const during = { gte: start, lt: end };
  const payments = await db.payment.findMany({
    where: {
      OR: [
        { status: { in: [...COLLECTED] }, payDate: during },
        // The bank's pay date is missing only when its answer had none; the booking's own time stands in.
        { status: { in: [...COLLECTED] }, payDate: null, updatedAt: during },
        { orderNo: { in: [...lineOrderNos] } },
      ],
    },
    select: { id: true, orderId: true, orderNo: true, payType: true, amount: true, status: true, payDate: true, updatedAt: true },
  });
  // A refund is booked when the bank confirmed it, which is when its row last changed.
  const refunds = await db.refund.findMany({
    where: {
      kind: 'refund',
      status: 'succeeded',
      OR: [{ updatedAt: during }, { payment: { orderNo: { in: [...lineOrderNos] } } }],
    },
    select: { id: true, amount: true, updatedAt: true, payment: { select: { id: true, orderId: true, orderNo: true, payType: true } } },
  });
  return {
    payments: payments.map((p): ShopPayment => ({
      paymentId: p.id,
      orderId: p.orderId,
      orderNo: p.orderNo,
      payType: p.payType,
      amount: p.amount,
      bookedDay: (COLLECTED as readonly string[]).includes(p.status) ? taipeiDayOf(p.payDate ?? p.updatedAt) : undefined,
    })),
    refunds: refunds.map((r): ShopRefund => ({
      refundId: r.id,
      paymentId: r.payment.id,
      orderId: r.payment.orderId,
      orderNo: r.payment.orderNo,
      payType: r.payment.payType,
      amount: r.amount,
      bookedDay: taipeiDayOf(r.updatedAt),
    })),
  };
}
