// The one way a payment attempt changes status, called only by settlePayment (settle.ts): a
// conditional update (only if it is still in the status the caller saw) plus its PaymentEvent
// row, in the caller's transaction. Two processes
// racing for the same change both issue the update; the database lets exactly one of them match.
import type { PaymentStatus, Prisma } from '../generated/prisma/client';
import { canTransition } from './payment-states';

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(readonly from: PaymentStatus, readonly to: PaymentStatus) {
    super(`payment status cannot go from ${from} to ${to}`);
  }
}

export interface StatusChange {
  paymentId: string;
  from: PaymentStatus;
  to: PaymentStatus;
  /** Other columns to write along with the new status. */
  data?: Prisma.PaymentUncheckedUpdateManyInput;
  reason: string;
  payToken?: string;
}

/** True when this call made the change; false when the attempt was no longer in `from`. */
export async function changePaymentStatus(tx: Prisma.TransactionClient, change: StatusChange): Promise<boolean> {
  const { paymentId, from, to, data, reason, payToken } = change;
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  const { count } = await tx.payment.updateMany({ where: { id: paymentId, status: from }, data: { ...data, status: to } });
  if (count === 0) return false;
  await tx.paymentEvent.create({ data: { paymentId, fromStatus: from, toStatus: to, applied: true, reason, payToken } });
  return true;
}

/** Keeps the record of a change that was asked for and not made: illegal, mismatched or untrusted. */
export async function recordRefusedChange(
  tx: Prisma.TransactionClient,
  refusal: { paymentId: string; from: PaymentStatus; to: PaymentStatus; reason: string; payToken?: string },
): Promise<void> {
  const { paymentId, from, to, reason, payToken } = refusal;
  await tx.paymentEvent.create({ data: { paymentId, fromStatus: from, toStatus: to, applied: false, reason, payToken } });
}
