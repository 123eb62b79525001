// What may be given back on a payment attempt. Checked when the merchant reviews a refund and again,
// under the attempt's row lock, right before the bank is asked.
import type { Payment, Refund, RefundKind } from '../generated/prisma/client';

/**
 * - not_card: OrderMaintain refunds and cancels card payments only (PROTOCOL.md §4.5).
 * - not_paid: only an attempt that took money has anything to give back.
 * - not_positive / over_remaining: the amount must be more than nothing and at most what is left.
 * - already_refunded: an authorisation can only be cancelled whole, before any refund.
 * - captured: the attempt was sent with AutoBilling Y, so the bank captured it at once and refuses
 *   to cancel its authorisation (E2001); only a refund gives the money back.
 */
export type RefundProblem = 'not_card' | 'not_paid' | 'not_positive' | 'over_remaining' | 'already_refunded' | 'captured';

/** Refunds that may have moved money without the shop having booked it: their amount is held back. */
const UNSETTLED_REFUND = new Set<Refund['status']>(['requested', 'needs_review']);

/** TWD×100 that can still be refunded: paid, less refunded, less refunds not booked either way yet. */
export function refundableAmount(payment: Payment, refunds: readonly Pick<Refund, 'status' | 'amount'>[]): number {
  const inFlight = refunds.filter((refund) => UNSETTLED_REFUND.has(refund.status)).reduce((sum, refund) => sum + refund.amount, 0);
  return Math.max(0, payment.amount - payment.refundedAmount - inFlight);
}

export function refundProblem(
  payment: Payment,
  refunds: readonly Pick<Refund, 'status' | 'amount'>[],
  request: { kind: RefundKind; amount: number },
): RefundProblem | undefined {
  if (payment.payType !== 'C') return 'not_card';
  if (payment.status !== 'paid') return 'not_paid';
  if (request.kind === 'cancel') {
    if (payment.autoBilling) return 'captured';
    return refunds.some((refund) => refund.status !== 'failed') || payment.refundedAmount > 0 ? 'already_refunded' : undefined;
  }
  if (!Number.isInteger(request.amount) || request.amount <= 0) return 'not_positive';
  if (request.amount > refundableAmount(payment, refunds)) return 'over_remaining';
  return undefined;
}

export interface RefundActions {
  /** TWD×100 still refundable. */
  refundable: number;
  canRefund: boolean;
  canCancel: boolean;
}

/** Which of the money-back buttons an attempt's page offers. */
export function refundActions(payment: Payment, refunds: readonly Pick<Refund, 'status' | 'amount'>[]): RefundActions {
  const refundable = refundableAmount(payment, refunds);
  return {
    refundable,
    canRefund: refundable > 0 && refundProblem(payment, refunds, { kind: 'refund', amount: refundable }) === undefined,
    canCancel: refundProblem(payment, refunds, { kind: 'cancel', amount: payment.amount }) === undefined,
  };
}
