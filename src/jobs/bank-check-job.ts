// The bank check job: attempts that should have been decided by now and are not (every notification
// lost, the shopper never came back, OrderCreate timed out or the process stopped during it) are
// asked about by OrderNo and applied through the same applyBankResult as the bank's callbacks. Each
// attempt is asked on its own schedule (bank-check-schedule.ts); one the bank cannot describe is
// recorded and passed over, so it never holds up the others. A card attempt (also one whose
// OrderCreate answer was lost) is asked once right after its link has run out, plus the grace a
// last-moment payment gets, whatever its schedule says: the bank then says expired or paid, and
// the shop need not wait for the next step of the ladder to know, as the ATM expiry does with its
// deadline.
import type { Payment } from '../generated/prisma/client';
import { checkWithBank, type BankCheck, type BankCheckDependencies } from '../payments/bank-check';
import { CARD_LINK_GRACE_MINUTES } from '../payments/apply-to-order';
import { UNDECIDED_AT_BANK } from '../payments/payment-states';
import { applyBankResult, type BankOutcome } from '../payments/apply-result';
import { recordAttemptCheck, type CheckResult } from './bank-check-schedule';
import { askPaced, noPace, type BankPace } from './bank-pace';
import { ATTEMPTS_PER_PASS, logPass, type AttemptReport } from './pass-report';

export interface BankCheckSettings {
  /** An attempt is first asked about once it is this old; later questions thin out from there. */
  bankCheckAfterMinutes: number;
  /** How long a card attempt's link lives (CARD_EXP_MINUTES). */
  cardExpMinutes: number;
  /** ATM attempts past their deadline by this much belong to the ATM expiry, which asks once more. */
  atmExpiryGraceMinutes: number;
}

/** One pass: asks the bank about every attempt that is due, earliest due first, and settles what it says. */
export async function checkUndecidedAttempts(deps: BankCheckDependencies, settings: BankCheckSettings, pace: BankPace = noPace): Promise<AttemptReport[]> {
  const now = deps.clock();
  const cutoff = new Date(now.getTime() - settings.bankCheckAfterMinutes * 60_000);
  const overdue = new Date(now.getTime() - settings.atmExpiryGraceMinutes * 60_000);
  const linkOver = new Date(now.getTime() - cardLinkLifeMs(settings));
  const due = await deps.db.payment.findMany({
    where: {
      status: { in: [...UNDECIDED_AT_BANK] },
      OR: [{ createdAt: { lt: cutoff } }, { payType: 'card', createdAt: { lt: linkOver } }],
      AND: [
        { OR: [{ nextBankCheckAt: null }, { nextBankCheckAt: { lte: now } }] },
        { OR: [{ payType: 'card' }, { atmDeadline: null }, { atmDeadline: { gt: overdue } }] },
      ],
    },
    orderBy: [{ nextBankCheckAt: { sort: 'asc', nulls: 'first' } }, { createdAt: 'asc' }],
    take: ATTEMPTS_PER_PASS,
  });
  const reports = await askPaced(due, pace, async (payment) => {
    const { report, result, unreachable } = await checkOne(deps, payment);
    const notAfter = payment.atmDeadline
      ? new Date(payment.atmDeadline.getTime() + settings.atmExpiryGraceMinutes * 60_000)
      : cardLinkCheckAfter(payment, now, settings);
    await recordAttemptCheck(deps.db, payment, result, { now, baseMinutes: settings.bankCheckAfterMinutes, notAfter });
    // No answer at all: the bank is down, and the others would only wait for their timeouts too.
    return { report, stop: unreachable };
  });
  logPass(deps.logger, 'bank check', reports);
  return reports;
}

/** A card link's life plus the grace a payment made at its last moment gets. */
const cardLinkLifeMs = (settings: BankCheckSettings) => (settings.cardExpMinutes + CARD_LINK_GRACE_MINUTES) * 60_000;

/** When a card attempt's link will have run out (plus grace), while that is still to come: the next question comes no later. */
function cardLinkCheckAfter(payment: Payment, now: Date, settings: BankCheckSettings): Date | undefined {
  if (payment.payType !== 'card') return undefined;
  const linkOver = new Date(payment.createdAt.getTime() + cardLinkLifeMs(settings));
  return linkOver > now ? linkOver : undefined;
}

async function checkOne(
  deps: BankCheckDependencies,
  found: Payment,
): Promise<{ report: AttemptReport; result: CheckResult; unreachable: boolean }> {
  try {
    const payment = found.status === 'creating' ? await giveUpCreating(deps, found) : found;
    const check = await checkWithBank(deps, payment, 'bank_check');
    const outcome = outcomeToSettle(payment, check);
    const applied = outcome && (await applyBankResult(deps, { paymentId: payment.id, outcome, source: 'bank_check' }));
    return {
      report: { paymentId: payment.id, check: check.kind, ...(applied && { applied: applied.kind }) },
      result: checkResult(check),
      unreachable: check.kind === 'bank_unavailable' && check.unreachable,
    };
  } catch (error) {
    // A defect or a database hiccup about this one attempt: recorded on it, and the pass goes on.
    deps.logger.error({ err: error, paymentId: found.id }, 'the bank check of the attempt failed');
    return { report: { paymentId: found.id, check: 'error' }, result: { ok: false, error: String(error) }, unreachable: false };
  }
}

export function checkResult(check: BankCheck): CheckResult {
  if (check.kind === 'bank_unavailable') return { ok: false, error: check.detail, transient: check.transient };
  if (check.kind === 'mismatch') return { ok: false, error: `mismatch: ${check.mismatches.join('; ')}` };
  return { ok: true };
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
  await applyBankResult(deps, {
    paymentId: payment.id,
    outcome: { kind: 'create_failed', code: 'no_answer', description: 'OrderCreate was never answered' },
    source: 'bank_check',
  });
  return deps.db.payment.findUniqueOrThrow({ where: { id: payment.id } });
}
