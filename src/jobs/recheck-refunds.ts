// Refunds whose outcome is unknown ("requested": the bank's answer timed out, could not be trusted,
// or the process stopped between the bank's answer and booking it) are asked about with OrderQuery
// until they are final, and what the bank holds is booked (payments/refund-outcome.ts). OrderQuery
// says how many refunds the bank made on the order (RefundFlag) and how the latest stands
// (RefundStatus), not their amounts, so a refund is decided only when the count tells it apart:
// - the bank holds as many refunds as the shop has booked: this one never happened → failed;
// - one more, and this is the only one open: it happened → booked, once it is done at the bank;
// - anything else (several open, "several" at the bank with several booked) → needs review.
// A cancelled authorisation is read from PayStatus instead: cancelled (1C351) or not.
import type { Payment, Refund } from '../generated/prisma/client';
import type { BankCheckDependencies } from '../payments/bank-check';
import { applyRefundAnswer, markRefund } from '../payments/refund-outcome';
import { NO_DATA_CODE, paymentOfOrderEntry, refundsOfOrderEntry } from '../sinopac/bank-answers';
import { bankFailureOf } from '../sinopac/errors';
import type { OrderQueryEntry } from '../sinopac/messages';
import { minutesUntilNextCheck } from './bank-check-schedule';
import { logPass } from './pass-report';

export interface RefundRecheckSettings {
  /** A refund is first asked about once it is this old (its own request has long finished by then). */
  reconcileAfterMinutes: number;
}

const REFUNDS_PER_PASS = 50;

export type RefundDecision = 'succeeded' | 'failed' | 'needs_review' | 'waiting' | 'unanswered';

export interface RefundReport {
  refundId: string;
  decision: RefundDecision;
  settled?: string;
}

type OpenRefund = Refund & { payment: Payment & { refunds: Refund[] } };

export async function recheckUnknownRefunds(deps: BankCheckDependencies, settings: RefundRecheckSettings): Promise<RefundReport[]> {
  const now = deps.clock();
  const due = await deps.db.refund.findMany({
    where: {
      status: 'requested',
      createdAt: { lt: new Date(now.getTime() - settings.reconcileAfterMinutes * 60_000) },
      OR: [{ nextBankCheckAt: null }, { nextBankCheckAt: { lte: now } }],
    },
    include: { payment: { include: { refunds: true } } },
    orderBy: { createdAt: 'asc' },
    take: REFUNDS_PER_PASS,
  });
  const reports: RefundReport[] = [];
  for (const refund of due) {
    let outcome: { report: RefundReport; unreachable?: boolean };
    try {
      outcome = await recheck(deps, refund);
    } catch (error) {
      // A defect or a database hiccup about this one refund: logged, asked again later, and the pass goes on.
      deps.logger.error({ err: error, refundId: refund.id }, 'could not re-check the refund with the bank');
      outcome = { report: { refundId: refund.id, decision: 'unanswered' } };
    }
    const { decision } = outcome.report;
    if (decision === 'waiting' || decision === 'unanswered') await schedule(deps, refund, now, settings);
    reports.push(outcome.report);
    // No answer at all: the bank is down, and the others would only wait for their timeouts too.
    if (outcome.unreachable) break;
  }
  logPass(deps.logger, 'recheck-refunds', reports);
  return reports;
}

async function recheck(deps: BankCheckDependencies, refund: OpenRefund): Promise<{ report: RefundReport; unreachable?: boolean }> {
  const { payment } = refund;
  let entry: OrderQueryEntry | undefined;
  try {
    const answer = await deps.sinopac.orderQuery({ OrderNo: payment.orderNo });
    entry = answer.OrderList.find((listed) => listed.OrderNo === payment.orderNo);
  } catch (error) {
    const failure = bankFailureOf(error);
    if (!failure) throw error;
    if (!(failure.kind === 'refused' && failure.code === NO_DATA_CODE)) {
      deps.logger.warn({ err: error, refundId: refund.id }, 'the bank gave no usable answer about the refund');
      return { report: { refundId: refund.id, decision: 'unanswered' }, unreachable: failure.kind === 'no_answer' };
    }
  }
  return { report: await decideAndApply(deps, refund, entry) };
}

async function decideAndApply(deps: BankCheckDependencies, refund: OpenRefund, entry: OrderQueryEntry | undefined): Promise<RefundReport> {
  const decision = entry ? decide(refund, entry) : 'needs_review';
  const description = entry ? `OrderQuery: RefundFlag ${entry.RefundFlag ?? '-'}, RefundStatus ${entry.RefundStatus ?? '-'}, PayStatus ${entry.PayStatus}` : 'OrderQuery: no such order';
  switch (decision) {
    case 'succeeded': {
      const applied = await applyRefundAnswer(deps, refund, { description }, 'reconcile');
      return { refundId: refund.id, decision: applied.kind, ...(applied.kind === 'succeeded' && { settled: applied.settled.kind }) };
    }
    case 'failed':
    case 'needs_review':
      await markRefund(deps, refund.id, decision, { bankDescription: description });
      return { refundId: refund.id, decision };
    default:
      return { refundId: refund.id, decision };
  }
}

function decide(refund: OpenRefund, entry: OrderQueryEntry): RefundDecision {
  if (refund.kind === 'cancel') {
    const atBank = paymentOfOrderEntry(entry);
    if (atBank?.kind === 'cancelled') return 'succeeded';
    return atBank?.kind === 'paid' ? 'failed' : 'needs_review';
  }
  const booked = refund.payment.refunds.filter((other) => other.kind === 'refund' && other.status === 'succeeded').length;
  const open = refund.payment.refunds.filter((other) => other.status === 'requested' || other.status === 'needs_review').length;
  const { count, latest } = refundsOfOrderEntry(entry);
  if (count === booked) return 'failed';
  const oneMore = count === booked + 1 || (count === 'several' && booked === 1);
  if (!oneMore || open !== 1) return 'needs_review';
  if (latest === 'in_progress') return 'waiting';
  if (latest === 'failed') return 'failed';
  return latest === 'done' || latest === 'none' ? 'succeeded' : 'needs_review';
}

async function schedule(deps: BankCheckDependencies, refund: Refund, now: Date, settings: RefundRecheckSettings): Promise<void> {
  const checks = refund.bankChecks + 1;
  const next = new Date(now.getTime() + minutesUntilNextCheck(checks, settings.reconcileAfterMinutes) * 60_000);
  await deps.db.refund.update({ where: { id: refund.id }, data: { bankChecks: checks, nextBankCheckAt: next } });
}
