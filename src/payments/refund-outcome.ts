// What the bank's answer about a refund (or an authorisation cancel) does to the shop's books.
// The amount booked is always the one the merchant asked for: an answer naming another amount, or
// a change applyBankResult refuses, leaves the Refund row "needs_review" with nothing applied, for a person
// to decide. A succeeded refund is marked so inside applyBankResult's transaction (ApplyRequest.refundId),
// so the bank check re-checking a refund whose answer was lost can never book it twice.
import type { Refund, RefundStatus } from '../generated/prisma/client';
import { resultCodeOf } from '../sinopac/bank-answers';
import { applyBankResult, type ApplyDependencies, type ApplyResult, type ResultSource } from './apply-result';

export type RefundOutcome =
  | { kind: 'succeeded'; refund: Refund; applied: ApplyResult }
  | { kind: 'needs_review'; refund: Refund; reason: string };

export interface RefundAnswer {
  /** The amount the bank's answer names, when it names one (TWD×100). */
  amount?: number | undefined;
  description: string;
}

/** The bank says the refund was made. */
export async function applyRefundAnswer(
  deps: ApplyDependencies,
  refund: Refund,
  answer: RefundAnswer,
  source: Extract<ResultSource, 'admin' | 'bank_check'>,
): Promise<RefundOutcome> {
  const bank = { bankCode: resultCodeOf(answer.description) ?? null, bankDescription: answer.description };
  const log = deps.logger.child({ refundId: refund.id, paymentId: refund.paymentId, source });
  if (refund.kind === 'refund' && answer.amount !== undefined && answer.amount !== refund.amount) {
    const reason = `the bank answered Amount ${answer.amount} for a refund of ${refund.amount}`;
    log.error({ asked: refund.amount, answered: answer.amount }, 'the bank names another refund amount than asked: check it by hand');
    return { kind: 'needs_review', refund: await markRefund(deps, refund.id, 'needs_review', { ...bank, bankDescription: `${reason}: ${answer.description}` }), reason };
  }
  // A cancelled authorisation gives the whole payment back. The state machine ends a paid attempt
  // only by a refund, so that is how it is applied; the Refund row keeps that it was a cancel.
  const applied = await applyBankResult(deps, {
    paymentId: refund.paymentId,
    outcome: { kind: 'refunded', amount: refund.amount },
    source,
    refundId: refund.id,
  });
  if (applied.kind === 'refused') {
    log.error({ reason: applied.reason }, 'the bank refunded but the shop cannot book it: check it by hand');
    const updated = await markRefund(deps, refund.id, 'needs_review', { ...bank, bankDescription: `${applied.reason}: ${answer.description}` });
    return { kind: 'needs_review', refund: updated, reason: applied.reason };
  }
  // applyBankResult marked the row succeeded; the bank's words are added to it.
  return { kind: 'succeeded', refund: await deps.db.refund.update({ where: { id: refund.id }, data: bank }), applied };
}

/**
 * Moves a refund that is still "requested" (only: a row another path has finished stays as it is)
 * and returns it as it now stands.
 */
export async function markRefund(
  deps: Pick<ApplyDependencies, 'db'>,
  id: string,
  status: Exclude<RefundStatus, 'succeeded' | 'requested'>,
  data: { bankCode?: string | null; bankDescription?: string | null },
): Promise<Refund> {
  await deps.db.refund.updateMany({ where: { id, status: 'requested' }, data: { status, ...data } });
  return deps.db.refund.findUniqueOrThrow({ where: { id } });
}
