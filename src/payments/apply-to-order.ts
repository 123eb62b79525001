// What an applied bank result does to its order, inside applyBankResult's transaction. The order's row is locked
// before anything is decided from it (by the conditional update itself where that is the whole
// decision), so these decisions and a new attempt being started for the same order (which locks it
// too) happen one after the other, never interleaved. Every order change is also conditional on the
// status it was decided from, and stock moves only with the change that this call itself made:
// that is what makes "stock is released once" hold across duplicate and concurrent applications.
import type { Logger } from 'pino';
import type { Payment, Prisma } from '../generated/prisma/client';
import { lockOrder } from '../db/row-locks';
import { enqueueInvoiceIssue, type OrderToInvoice } from '../einvoice/invoice-queue';
import { releaseStock, retakeStock } from '../orders/stock-reservation';
import { changeOrderStatus, OPEN_FOR_PAYMENT, PAID_ORDER, paidOrderStatus } from './payment-states';

type Tx = Prisma.TransactionClient;

const orderLines = (tx: Tx, orderId: string) =>
  tx.orderLine.findMany({ where: { orderId }, select: { productId: true, quantity: true } });

// The order's payment method (Order.payType) is the method of the attempt that paid it or, while it
// is unpaid, of the attempt opened last; checkout's choice is only the first attempt's. It is
// written only by the bank result that opens an attempt (recordCreated in apply-result.ts) or pays
// it (the paying statement of payment-sql.ts, and markOrderPaid below), so every page, the e-mails,
// the back office's filter and its CSV read one column that cannot disagree with them.

/**
 * The attempt was paid: its order is paid, by its method, with the stock it reserved when placed.
 * The usual case, an order awaiting payment, was paid by the payment's own change (`orderPaid`,
 * changePaymentStatus with paidAt); its e-invoice is owed from that change, in its transaction.
 */
export async function markOrderPaid(tx: Tx, logger: Logger, payment: Payment, paidAt: Date, orderPaid: OrderToInvoice | null): Promise<void> {
  if (orderPaid) {
    await enqueueInvoiceIssue(tx, orderPaid);
    return;
  }
  const { orderId } = payment;
  const paying = { orderId, to: 'paid', data: { paidAt, payType: payment.payType } } as const;
  await lockOrder(tx, orderId);

  // Money that arrived after the order had expired: the payment stands, so the order is paid and
  // takes back what stock it can; whatever is short must be found or refunded by the shop.
  if (await changeOrderStatus(tx, { ...paying, from: 'expired' })) {
    await enqueueInvoiceIssue(tx, orderId);
    const short = await retakeStock(tx, await orderLines(tx, orderId));
    if (short.length > 0) logger.error({ orderId, paymentId: payment.id, short }, 'expired order paid late and its stock is gone: oversold');
    return;
  }

  // A second attempt paid for the same order (e.g. an old card link used after a retry): the
  // money is real, the order is already paid; someone has to refund one of them.
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } });
  if (order.status === 'cancelled') await tx.payment.update({ where: { id: payment.id }, data: { paidOnCancelledOrder: true } });
  logger.error({ orderId, paymentId: payment.id, orderStatus: order.status }, 'attempt paid for an order that is not awaiting payment: refund needed');
}

/** Minutes past a card link's expiry during which a payment made at the last moment may still arrive. */
export const CARD_LINK_GRACE_MINUTES = 5;

/**
 * The one rule for "does this order still hold its stock": one of its attempts is open for payment
 * (OPEN_FOR_PAYMENT). Given `now`, a card attempt's link also ends with its life plus grace
 * (CARD_EXP_MINUTES), and `recentMinutes` keeps the hold that long after the last change of any
 * attempt (time to try another card): the stock-hold release (jobs/release-stock-holds.ts) asks
 * that, an attempt ending at the bank only the first part, about the order's other attempts.
 */
export function attemptsHoldingStock(at?: { now: Date; cardExpMinutes: number; recentMinutes: number }): Prisma.PaymentWhereInput {
  const open: Prisma.PaymentWhereInput = { status: { in: [...OPEN_FOR_PAYMENT] } };
  if (!at) return open;
  const minutesAgo = (minutes: number) => new Date(at.now.getTime() - minutes * 60_000);
  const linkOver = minutesAgo(at.cardExpMinutes + CARD_LINK_GRACE_MINUTES);
  return {
    OR: [
      { ...open, NOT: { status: 'pending', payType: 'card', createdAt: { lte: linkOver } } },
      // An attempt that ended only just now: the hold runs from the last thing that happened.
      { updatedAt: { gt: minutesAgo(at.recentMinutes) } },
    ],
  };
}

/**
 * An unpaid order none of whose attempts matches `holding` (attemptsHoldingStock) expires and gives
 * its stock back; the shopper may still start a new attempt, which reserves it again. Decided with
 * the order's row locked, so an attempt started at the same moment (which locks it too) keeps it.
 * A declined card does not end here at once: the shopper is usually still at the screen.
 */
export async function expireOrderUnlessHeld(tx: Tx, orderId: string, holding: Prisma.PaymentWhereInput): Promise<boolean> {
  await lockOrder(tx, orderId);
  if ((await tx.payment.count({ where: { AND: [{ orderId }, holding] } })) > 0) return false;
  if (!(await changeOrderStatus(tx, { orderId, from: 'awaiting_payment', to: 'expired' }))) return false;
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
  if (status !== order.status) await changeOrderStatus(tx, { orderId, from: order.status, to: status });
}
