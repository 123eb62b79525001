// The money given back on an order, as its shopper is shown it (order page, result page): each
// refund the bank made, how much, when, and to which method. Refunds asked for and not made yet,
// or refused, are the merchant's business and not shown.
import type { Database } from '../db/prisma';
import type { PayType } from '../generated/prisma/client';

export interface ShownRefund {
  /** TWD×100, as the bank counts it. */
  amount: number;
  at: Date;
  payType: PayType;
}

/** Oldest first. */
export async function refundsOf(db: Database, orderId: string): Promise<ShownRefund[]> {
  const refunds = await db.refund.findMany({
    where: { status: 'succeeded', payment: { orderId } },
    orderBy: { createdAt: 'asc' },
    include: { moneyMovement: { select: { occurredAt: true } }, payment: { select: { payType: true } } },
  });
  return refunds.map((refund) => ({ amount: refund.amount, at: refund.moneyMovement?.occurredAt ?? refund.updatedAt, payType: refund.payment.payType }));
}
