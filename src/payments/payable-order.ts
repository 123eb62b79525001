// When an order takes a new payment attempt. The order and result pages offer "pay again" by this
// rule, and startPaymentAttempt applies it again with the order's row locked, where it also stops
// a double click from starting two attempts.
import type { Order, Payment, PayType } from '../generated/prisma/client';
import { BLOCKS_NEW_ATTEMPT, PAYABLE_ORDER } from './payment-states';

export type NoNewAttemptReason = 'order_closed' | 'attempt_open';

type AttemptState = Pick<Payment, 'status' | 'payType'>;

/**
 * An open card link does not hold the order hostage: a shopper back from the card page may switch
 * to ATM at once. The card attempt is then superseded, not closed (the bank cannot close it); if it
 * is paid after all, that payment pays the order, and money on the ATM account as well is the
 * "second attempt paid" case of docs/payments.md, refunded by the merchant.
 */
const supersededBy = (payType: PayType | undefined, attempt: AttemptState) =>
  payType === 'atm' && attempt.payType === 'card' && attempt.status === 'pending';

/** Why the order takes no new attempt (of `payType`, when given), or undefined when it does. */
export function whyNoNewAttempt(order: Pick<Order, 'status'>, payments: readonly AttemptState[], payType?: PayType): NoNewAttemptReason | undefined {
  if (!PAYABLE_ORDER.has(order.status)) return 'order_closed';
  if (payments.some((payment) => BLOCKS_NEW_ATTEMPT.has(payment.status) && !supersededBy(payType, payment))) return 'attempt_open';
  return undefined;
}

export function canStartNewAttempt(order: Pick<Order, 'status'>, payments: readonly AttemptState[]): boolean {
  return whyNoNewAttempt(order, payments) === undefined;
}

/** An open card link that an ATM attempt may supersede now. */
export function canSwitchToAtm(order: Pick<Order, 'status'>, payments: readonly AttemptState[]): boolean {
  return payments.some((payment) => supersededBy('atm', payment)) && whyNoNewAttempt(order, payments, 'atm') === undefined;
}
