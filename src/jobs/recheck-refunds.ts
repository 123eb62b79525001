// Refunds whose outcome is unknown ("requested": the bank's answer timed out, could not be trusted,
// or the process stopped between the bank's answer and booking it) are asked about with OrderQuery
// until they are final, and what the bank holds is booked (payments/refund-outcome.ts). The bank
// says how many refunds it made on the order and how the latest stands, not their amounts, so a
// refund is decided only when the count tells it apart:
// - the bank holds as many refunds as the shop has booked: this one never happened → failed;
// - one more, and this is the only one open: it happened → booked, once it is done at the bank;
// - anything else (several open, "several" at the bank with several booked) → needs review.
// A cancelled authorisation is read from the payment's own status at the bank instead: cancelled or not.
import type { Payment, Refund } from '../generated/prisma/client';
import type { BankCheckDependencies } from '../payments/bank-check';
import { applyRefundAnswer, markRefund } from '../payments/refund-outcome';
import { UNSETTLED_REFUND } from '../payments/payment-states';
import { askAboutAttempt, type AttemptAtBank } from '../sinopac/shop-bank';
import { minutesUntilNextCheck } from './bank-check-schedule';
import { logPass } from './pass-report';

export interface RefundRecheckSettings {
  /** A refund is first asked about once it is this old (its own request has long finished by then). */
  bankCheckAfterMinutes: number;
}

const REFUNDS_PER_PASS = 50;

export type RefundDecision = 'succeeded' | 'failed' | 'needs_review' | 'waiting' | 'unanswered';

export interface RefundReport {
  refundId: string;
  decision: RefundDecision;
  applied?: string;
}

type OpenRefund = Refund & { payment: Payment & { refunds: Refund[] } };

export async function recheckUnknownRefunds(deps: BankCheckDependencies, settings: RefundRecheckSettings): Promise<RefundReport[]> {
  const now = deps.clock();
  const due = await deps.db.refund.findMany({
    where: {
      status: 'requested',
      createdAt: { lt: new Date(now.getTime() - settings.bankCheckAfterMinutes * 60_000) },
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
  const atBank = await askAboutAttempt(deps.sinopac, refund.payment);
  if (atBank.kind === 'unavailable') {
    deps.logger.warn({ err: atBank.cause, refundId: refund.id }, 'the bank gave no usable answer about the refund');
    return { report: { refundId: refund.id, decision: 'unanswered' }, unreachable: atBank.unreachable };
  }
  return { report: await decideAndApply(deps, refund, atBank) };
}

async function decideAndApply(deps: BankCheckDependencies, refund: OpenRefund, atBank: Exclude<AttemptAtBank, { kind: 'unavailable' }>): Promise<RefundReport> {
  const decision = atBank.kind === 'answered' ? decide(refund, atBank) : 'needs_review';
  const description = atBank.summary;
  switch (decision) {
    case 'succeeded': {
      const answer = await applyRefundAnswer(deps, refund, { description }, 'bank_check');
      return { refundId: refund.id, decision: answer.kind, ...(answer.kind === 'succeeded' && { applied: answer.applied.kind }) };
    }
    case 'failed':
    case 'needs_review':
      await markRefund(deps, refund.id, decision, { bankDescription: description });
      return { refundId: refund.id, decision };
    default:
      return { refundId: refund.id, decision };
  }
}

function decide(refund: OpenRefund, atBank: Extract<AttemptAtBank, { kind: 'answered' }>): RefundDecision {
  if (refund.kind === 'cancel') {
    if (atBank.outcome?.kind === 'cancelled') return 'succeeded';
    return atBank.outcome?.kind === 'paid' ? 'failed' : 'needs_review';
  }
  const booked = refund.payment.refunds.filter((other) => other.kind === 'refund' && other.status === 'succeeded').length;
  const open = refund.payment.refunds.filter((other) => UNSETTLED_REFUND.has(other.status)).length;
  const { count, latest } = atBank.refunds;
  if (count === booked) return 'failed';
  const oneMore = count === booked + 1 || (count === 'several' && booked === 1);
  if (!oneMore || open !== 1) return 'needs_review';
  if (latest === 'in_progress') return 'waiting';
  if (latest === 'failed') return 'failed';
  return latest === 'done' || latest === 'none' ? 'succeeded' : 'needs_review';
}

async function schedule(deps: BankCheckDependencies, refund: Refund, now: Date, settings: RefundRecheckSettings): Promise<void> {
  const checks = refund.bankChecks + 1;
  const next = new Date(now.getTime() + minutesUntilNextCheck(checks, settings.bankCheckAfterMinutes) * 60_000);
  await deps.db.refund.update({ where: { id: refund.id }, data: { bankChecks: checks, nextBankCheckAt: next } });
}
