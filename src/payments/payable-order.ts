// When an order takes a new payment attempt. The order and result pages offer "pay again" by this
// rule, and startPaymentAttempt applies it again with the order's row locked, where it also stops
// a double click from starting two attempts.
import type { Order, Payment } from '../generated/prisma/client';
import { BLOCKS_NEW_ATTEMPT, PAYABLE_ORDER } from './payment-states';

export type NoNewAttemptReason = 'order_closed' | 'attempt_open';

export function whyNoNewAttempt(
  order: Pick<Order, 'status'>,
  payments: readonly Pick<Payment, 'status'>[],
): NoNewAttemptReason | undefined {
  if (!PAYABLE_ORDER.has(order.status)) return 'order_closed';
  if (payments.some((payment) => BLOCKS_NEW_ATTEMPT.has(payment.status))) return 'attempt_open';
  return undefined;
}

export function canStartNewAttempt(order: Pick<Order, 'status'>, payments: readonly Pick<Payment, 'status'>[]): boolean {
  return whyNoNewAttempt(order, payments) === undefined;
}
