// When an order takes a new payment attempt. The order and result pages offer "pay again" by this
// rule, and startPaymentAttempt applies it again with the order's row locked, where it also stops
// a double click from starting two attempts.
import type { Order, Payment } from '../generated/prisma/client';

/** An attempt in any of these states may still take or hold the shopper's money. */
const OPEN_ATTEMPT = new Set<Payment['status']>(['creating', 'pending', 'paid', 'refunded']);
/** Expired orders too: their stock was released, and a new attempt reserves it again. */
const PAYABLE_ORDER = new Set<Order['status']>(['awaiting_payment', 'expired']);

export type NoNewAttemptReason = 'order_closed' | 'attempt_open';

export function whyNoNewAttempt(
  order: Pick<Order, 'status'>,
  payments: readonly Pick<Payment, 'status'>[],
): NoNewAttemptReason | undefined {
  if (!PAYABLE_ORDER.has(order.status)) return 'order_closed';
  if (payments.some((payment) => OPEN_ATTEMPT.has(payment.status))) return 'attempt_open';
  return undefined;
}

export function canStartNewAttempt(order: Pick<Order, 'status'>, payments: readonly Pick<Payment, 'status'>[]): boolean {
  return whyNoNewAttempt(order, payments) === undefined;
}
