// What a settled attempt does to its order, inside settle's transaction. The order's row is locked
// before anything is decided from it (by the conditional update itself where that is the whole
// decision), so these decisions and a new attempt being started for the same order (which locks it
// too) happen one after the other, never interleaved. Every order change is also conditional on the
// status it was decided from, and stock moves only with the change that this call itself made:
// that is what makes "stock is released once" hold across duplicate and concurrent settles.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Payment, Prisma } from '../generated/prisma/client';
import { lockOrder, MONEY_TRANSACTION } from '../db/row-locks';
import { releaseStock, retakeStock } from '../orders/stock-reservation';
import { OPEN_FOR_PAYMENT, PAID_ORDER, paidOrderStatus } from './payment-states';

type Tx = Prisma.TransactionClient;

const orderLines = (tx: Tx, orderId: string) =>
  tx.orderLine.findMany({ where: { orderId }, select: { productId: true, quantity: true } });

// The order's payment method (Order.payType) is the method of the attempt that paid it or, while it
// is unpaid, of the attempt opened last; checkout's choice is only the first attempt's. It is
// written here and nowhere else, by the settle that opens or pays an attempt, so every page, the
// e-mails, the back office's filter and its CSV read one column that cannot disagree with them.

/** An attempt the bank accepted: an unpaid order's method becomes its method (the one open now). */
export async function followOpenedAttempt(tx: Tx, payment: Payment): Promise<void> {
  await tx.order.updateMany({ where: { id: payment.orderId, status: 'awaiting_payment' }, data: { payType: payment.payType } });
}

/** The attempt was paid: its order is paid, by its method, with the stock it reserved when placed. */
export async function markOrderPaid(tx: Tx, logger: Logger, payment: Payment, paidAt: Date): Promise<void> {
  const { orderId } = payment;
  const paying = { status: 'paid', paidAt, payType: payment.payType } as const;
  // The usual case needs no lock of its own: an update that matches locks the row as it changes it.
  const reserved = await tx.order.updateMany({ where: { id: orderId, status: 'awaiting_payment' }, data: paying });
  if (reserved.count === 1) return;
  await lockOrder(tx, orderId);

  // Money that arrived after the order had expired: the payment stands, so the order is paid and
  // takes back what stock it can; whatever is short must be found or refunded by the shop.
  const revived = await tx.order.updateMany({ where: { id: orderId, status: 'expired' }, data: paying });
  if (revived.count === 1) {
    const short = await retakeStock(tx, await orderLines(tx, orderId));
    if (short.length > 0) logger.error({ orderId, paymentId: payment.id, short }, 'expired order paid late and its stock is gone: oversold');
    return;
  }

  // A second attempt paid for the same order (e.g. an old card link used after a retry): the
  // money is real, the order is already paid; someone has to refund one of them.
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  logger.error({ orderId, paymentId: payment.id, orderStatus: order.status }, 'attempt paid for an order that is not awaiting payment: refund needed');
}

/**
 * The attempt ended without payment (expired or cancelled at the bank). When no other attempt of
 * the order can still be paid, the order expires and gives its stock back; the shopper may still
 * start a new attempt, which reserves it again. A declined card does not come here: the shopper is
 * usually still at the screen, about to try another card.
 */
export async function expireOrderWhenNothingOpen(tx: Tx, payment: Payment): Promise<boolean> {
  const { orderId } = payment;
  await lockOrder(tx, orderId);
  const open = await tx.payment.count({ where: { orderId, id: { not: payment.id }, status: { in: [...OPEN_FOR_PAYMENT] } } });
  if (open > 0) return false;
  const { count } = await tx.order.updateMany({ where: { id: orderId, status: 'awaiting_payment' }, data: { status: 'expired' } });
  if (count === 0) return false;
  await releaseStock(tx, await orderLines(tx, orderId));
  return true;
}

/** After a refund: the order's status from the money all its attempts still hold (payment-states.ts). */
export async function updateOrderAfterRefund(tx: Tx, orderId: string): Promise<void> {
  await lockOrder(tx, orderId);
  const order = await tx.order.findUniqueOrThrow({
    where: { id: orderId },
    select: { status: true, totalTwd: true, payments: { select: { status: true, amount: true, refundedAmount: true } } },
  });
  if (!PAID_ORDER.has(order.status)) return;
  const status = paidOrderStatus(order.totalTwd, order.payments);
  if (status !== order.status) await tx.order.update({ where: { id: orderId }, data: { status } });
}

/**
 * An unpaid order none of whose attempts holds its stock any more (`holding`: the attempts that
 * would, see jobs/release-stock-holds.ts) expires and gives its stock back. Decided again with the
 * order's row locked, so an attempt started at the same moment (which locks it too) keeps it.
 */
export async function expireAbandonedOrder(db: Database, orderId: string, holding: Prisma.PaymentWhereInput): Promise<boolean> {
  return db.$transaction(async (tx) => {
    await lockOrder(tx, orderId);
    if ((await tx.payment.count({ where: { AND: [{ orderId }, holding] } })) > 0) return false;
    const { count } = await tx.order.updateMany({ where: { id: orderId, status: 'awaiting_payment' }, data: { status: 'expired' } });
    if (count === 0) return false;
    await releaseStock(tx, await orderLines(tx, orderId));
    return true;
  }, MONEY_TRANSACTION);
}
