// The reconciler: attempts that should have been decided by now and are not (every notification
// lost, the shopper never came back, OrderCreate timed out or the process stopped during it) are
// asked about by OrderNo and settled through the same settlePayment as the bank's callbacks.
import type { Payment, PaymentStatus } from '../generated/prisma/client';
import { checkWithBank, type BankCheck, type BankCheckDependencies } from '../payments/bank-check';
import { changePaymentStatus } from '../payments/payment-transition';
import { settlePayment, type BankOutcome } from '../payments/settle';
import { ATTEMPTS_PER_PASS, logPass, type AttemptReport } from './pass-report';

export interface ReconcileSettings {
  /** An attempt is asked about once it is this old, and after that at most once per this many minutes. */
  reconcileAfterMinutes: number;
}

const UNDECIDED: PaymentStatus[] = ['creating', 'pending', 'create_failed'];

/** One pass: asks the bank about every attempt that is due, oldest question first, and settles what it says. */
export async function reconcilePendingPayments(deps: BankCheckDependencies, settings: ReconcileSettings): Promise<AttemptReport[]> {
  const cutoff = new Date(deps.clock().getTime() - settings.reconcileAfterMinutes * 60_000);
  const due = await deps.db.payment.findMany({
    where: {
      status: { in: UNDECIDED },
      createdAt: { lt: cutoff },
      OR: [{ lastBankCheckAt: null }, { lastBankCheckAt: { lt: cutoff } }],
    },
    orderBy: [{ lastBankCheckAt: { sort: 'asc', nulls: 'first' } }, { createdAt: 'asc' }],
    take: ATTEMPTS_PER_PASS,
  });
  const reports: AttemptReport[] = [];
  for (const payment of due) {
    const report = await reconcile(deps, payment);
    reports.push(report);
    // The bank is down or not to be trusted just now: the others would only wait for their timeouts too.
    if (report.check === 'bank_unavailable') break;
  }
  logPass(deps.logger, 'reconcile', reports);
  return reports;
}

async function reconcile(deps: BankCheckDependencies, found: Payment): Promise<AttemptReport> {
  const payment = found.status === 'creating' ? await giveUpCreating(deps, found) : found;
  const check = await checkWithBank(deps, payment, 'reconcile');
  const outcome = outcomeToSettle(payment, check);
  if (!outcome) return { paymentId: payment.id, check: check.kind };
  const settled = await settlePayment(deps, { paymentId: payment.id, outcome, source: 'reconcile' });
  return { paymentId: payment.id, check: check.kind, settled: settled.kind };
}

function outcomeToSettle(payment: Payment, check: BankCheck): BankOutcome | undefined {
  if (check.kind === 'status') return check.outcome;
  // The bank never created it, so the shopper never saw its card page or account: it cannot be paid.
  if (check.kind === 'not_at_bank' && payment.status === 'create_failed') return { kind: 'expired' };
  return undefined;
}

/**
 * An attempt still "creating" this long after OrderCreate was sent lost the bank's answer: the
 * process stopped during the call. It is treated like an OrderCreate that timed out, which frees
 * the order for a new attempt, and the bank is asked what became of it.
 */
async function giveUpCreating(deps: BankCheckDependencies, payment: Payment): Promise<Payment> {
  await deps.db.$transaction((tx) =>
    changePaymentStatus(tx, {
      paymentId: payment.id,
      from: 'creating',
      to: 'create_failed',
      data: { failureCode: 'no_answer', failureReason: 'OrderCreate was never answered' },
      reason: 'OrderCreate never answered (reconcile)',
    }),
  );
  return deps.db.payment.findUniqueOrThrow({ where: { id: payment.id } });
}
