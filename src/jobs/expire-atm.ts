// ATM attempts whose deadline (the end of their ExpireDate, Asia/Taipei, kept as atmDeadline) has
// passed by more than a grace period: a transfer made at 23:59 may still be on its way to us, its
// notification retried for up to 40 minutes. The bank is asked once; paid is settled as paid, and
// anything else as expired, which expires the order and gives its stock back (the shopper may
// still pay again, see order-settlement.ts).
import { checkWithBank, type BankCheck, type BankCheckDependencies } from '../payments/bank-check';
import { settlePayment, type BankOutcome } from '../payments/settle';
import { ATTEMPTS_PER_PASS, logPass, type AttemptReport } from './pass-report';

export interface AtmExpirySettings {
  atmExpiryGraceMinutes: number;
  /** The reconciler's spacing: an attempt it asked about just now is not asked again at once. */
  reconcileAfterMinutes: number;
}

/** One pass over the overdue ATM attempts. */
export async function expireOverdueAtmPayments(deps: BankCheckDependencies, settings: AtmExpirySettings): Promise<AttemptReport[]> {
  const now = deps.clock().getTime();
  const overdue = new Date(now - settings.atmExpiryGraceMinutes * 60_000);
  const recentlyAsked = new Date(now - settings.reconcileAfterMinutes * 60_000);
  const due = await deps.db.payment.findMany({
    where: {
      payType: 'A',
      status: 'pending',
      atmDeadline: { lt: overdue },
      OR: [{ lastBankCheckAt: null }, { lastBankCheckAt: { lt: recentlyAsked } }],
    },
    orderBy: { atmDeadline: 'asc' },
    take: ATTEMPTS_PER_PASS,
  });
  const reports: AttemptReport[] = [];
  for (const payment of due) {
    const check = await checkWithBank(deps, payment, 'expiry');
    const outcome = outcomeAfterDeadline(check);
    if (!outcome) {
      reports.push({ paymentId: payment.id, check: check.kind });
      // The bank is down or not to be trusted just now: the others would only wait for their timeouts too.
      if (check.kind === 'bank_unavailable') break;
      continue;
    }
    const settled = await settlePayment(deps, { paymentId: payment.id, outcome, source: 'expiry' });
    reports.push({ paymentId: payment.id, check: check.kind, settled: settled.kind });
  }
  logPass(deps.logger, 'expire-atm', reports);
  return reports;
}

/** Past the deadline and the grace, only "paid" keeps an attempt alive. A mismatch or no answer decides nothing. */
function outcomeAfterDeadline(check: BankCheck): BankOutcome | undefined {
  if (check.kind === 'status' && check.outcome?.kind === 'paid') return check.outcome;
  if (check.kind === 'status' || check.kind === 'not_at_bank') return { kind: 'expired' };
  return undefined;
}
