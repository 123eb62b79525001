// Closing a refund left in needs_review (the bank's answer differed from what was asked, or its
// outcome could not be told): the merchant looks it up in the bank's own back office and records
// what it shows. "Succeeded" books the amount shown, through applyBankResult like every other
// refund (never a second way to refund: nothing is sent to the bank here); "failed" releases the
// amount held back. Either way the decision and who made it go into the merchant's trail.
import { z } from 'zod';
import type { Refund } from '../generated/prisma/client';
import { applyBankResult, type ApplyDependencies } from '../payments/apply-result';
import { readWholeTwd } from './refunds';
import { recordMerchantAction } from './trail';
import { toBankAmount } from '../sinopac/shop-bank';

export const refundReviewSchema = z.object({
  outcome: z.enum(['succeeded', 'failed']),
  amountTwd: z.string().trim().max(20).optional(),
});

/**
 * - amount: "succeeded" needs the amount the bank shows, a whole NT$ above zero;
 * - not_in_review: someone else (or the bank check) closed it meanwhile;
 * - refused: the books cannot take it (more than the payment still holds): settle's reason.
 */
export type RefundReviewProblem = 'amount' | 'not_in_review' | 'refused';

export type RefundReviewResult = { kind: 'recorded'; refund: Refund } | { kind: 'problem'; problem: RefundReviewProblem; reason?: string } | { kind: 'not_found' };

export async function recordRefundReview(
  deps: ApplyDependencies,
  refundId: string,
  form: z.output<typeof refundReviewSchema>,
  by: { actor: string; address?: string },
): Promise<RefundReviewResult> {
  if (!z.uuid().safeParse(refundId).success) return { kind: 'not_found' };
  const refund = await deps.db.refund.findUnique({ where: { id: refundId }, include: { payment: { select: { orderNo: true } } } });
  if (!refund) return { kind: 'not_found' };
  if (refund.status !== 'needs_review') return { kind: 'problem', problem: 'not_in_review' };
  const trail = (details: Record<string, string | number>) =>
    recordMerchantAction(deps.db, { actor: by.actor, action: 'refund_review', subject: refund.payment.orderNo, details: { refundId, ...details }, ...(by.address && { address: by.address }) });

  if (form.outcome === 'failed') {
    const { count } = await deps.db.refund.updateMany({ where: { id: refundId, status: 'needs_review' }, data: { status: 'failed' } });
    if (count === 0) return { kind: 'problem', problem: 'not_in_review' };
    await trail({ outcome: 'failed' });
    return { kind: 'recorded', refund: await deps.db.refund.findUniqueOrThrow({ where: { id: refundId } }) };
  }

  const amountTwd = readWholeTwd(form.amountTwd ?? '');
  if (amountTwd === undefined) return { kind: 'problem', problem: 'amount' };
  const amount = toBankAmount(amountTwd);
  const applied = await applyBankResult(deps, { paymentId: refund.paymentId, outcome: { kind: 'refunded', amount }, source: 'admin', refundId, reviewedRefund: true });
  if (applied.kind === 'refused') return { kind: 'problem', problem: 'refused', reason: applied.reason };
  const after = await deps.db.refund.findUniqueOrThrow({ where: { id: refundId } });
  if (after.status !== 'succeeded') return { kind: 'problem', problem: 'not_in_review' };
  await trail({ outcome: 'succeeded', amount });
  return { kind: 'recorded', refund: after };
}
