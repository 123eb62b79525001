// ATM attempts whose deadline (the end of the day the bank was given, Asia/Taipei, kept as atmDeadline) has
// passed by more than a grace period: a transfer made at 23:59 may still be on its way to us, its
// notification retried for up to 40 minutes. The bank is asked once; paid is applied as paid, and
// anything else as expired, which expires the order and gives its stock back (the shopper may
// still pay again, see apply-to-order.ts). An attempt the bank gives no usable answer about is
// recorded, asked again on the bank check's schedule, and passed over meanwhile.
import { checkWithBank, type BankCheck, type BankCheckDependencies } from '../payments/bank-check';
import { applyBankResult, type BankOutcome } from '../payments/apply-result';
import { recordAttemptCheck } from './bank-check-schedule';
import { askPaced, noPace, type BankPace } from './bank-pace';
import { ATTEMPTS_PER_PASS, logPass, type AttemptReport } from './pass-report';
import { checkResult } from './bank-check-job';

export interface AtmExpirySettings {
  atmExpiryGraceMinutes: number;
  /** The base of the question schedule (bank-check-schedule.ts). */
  bankCheckAfterMinutes: number;
}

/** One pass over the overdue ATM attempts. */
export async function expireOverdueAtmPayments(deps: BankCheckDependencies, settings: AtmExpirySettings, pace: BankPace = noPace): Promise<AttemptReport[]> {
  const now = deps.clock();
  const overdue = new Date(now.getTime() - settings.atmExpiryGraceMinutes * 60_000);
  const due = await deps.db.payment.findMany({
    where: {
      payType: 'atm',
      status: 'pending',
      atmDeadline: { lt: overdue },
      OR: [{ nextBankCheckAt: null }, { nextBankCheckAt: { lte: now } }],
    },
    orderBy: { atmDeadline: 'asc' },
    take: ATTEMPTS_PER_PASS,
  });
  const reports = await askPaced(due, pace, async (payment): Promise<{ report: AttemptReport; stop?: boolean }> => {
    let check: BankCheck;
    let report: AttemptReport;
    try {
      check = await checkWithBank(deps, payment, 'expiry');
      const outcome = outcomeAfterDeadline(check);
      const applied = outcome && (await applyBankResult(deps, { paymentId: payment.id, outcome, source: 'expiry' }));
      report = { paymentId: payment.id, check: check.kind, ...(applied && { applied: applied.kind }) };
    } catch (error) {
      deps.logger.error({ err: error, paymentId: payment.id }, 'expiring the ATM attempt failed');
      await recordAttemptCheck(deps.db, payment, { ok: false, error: String(error) }, { now, baseMinutes: settings.bankCheckAfterMinutes });
      return { report: { paymentId: payment.id, check: 'error' } };
    }
    await recordAttemptCheck(deps.db, payment, checkResult(check), { now, baseMinutes: settings.bankCheckAfterMinutes });
    // No answer at all: the bank is down, and the others would only wait for their timeouts too.
    return { report, stop: check.kind === 'bank_unavailable' && check.unreachable };
  });
  logPass(deps.logger, 'expire-atm', reports);
  return reports;
}

/** Past the deadline and the grace, only "paid" keeps an attempt alive. A mismatch or no answer decides nothing. */
function outcomeAfterDeadline(check: BankCheck): BankOutcome | undefined {
  if (check.kind === 'status' && check.outcome?.kind === 'paid') return check.outcome;
  if (check.kind === 'status' || check.kind === 'not_at_bank') return { kind: 'expired' };
  return undefined;
}
