// When the jobs ask the bank about an attempt (or a refund) again. The notification is the normal
// path, so the questions thin out: the first one `baseMinutes` after the attempt started, then
// after 1 h, 4 h, 16 h (with the default 15 min: each wait four times the one before), never more
// than a day apart. An answer the shop cannot use (a refusal, an untrusted message, a mismatch)
// takes a step on the same ladder, so one bad attempt never holds the queue: it waits its turn
// behind the others, and after ATTENTION_AFTER_FAILURES of them in a row the back office lists it.
import type { Database } from '../db/prisma';

export const ATTENTION_AFTER_FAILURES = 5;

const GROWTH = 4;
const LONGEST_MINUTES = 24 * 60;

/** Minutes from the `checksSoFar`-th question (1 for the first) to the next one. */
export function minutesUntilNextCheck(checksSoFar: number, baseMinutes: number): number {
  return Math.min(baseMinutes * GROWTH ** Math.max(1, checksSoFar), Math.max(LONGEST_MINUTES, baseMinutes));
}

export type CheckResult = { ok: true } | { ok: false; error: string };

export interface ScheduledAttempt {
  id: string;
  bankChecks: number;
  bankCheckFailures: number;
}

/**
 * Records one question about the attempt and sets the next. `notAfter`: the next question comes no
 * later than this (an ATM attempt's deadline plus grace, when the expiry asks once more).
 */
export async function recordAttemptCheck(
  db: Database,
  attempt: ScheduledAttempt,
  result: CheckResult,
  options: { now: Date; baseMinutes: number; notAfter?: Date | null },
): Promise<void> {
  const checks = attempt.bankChecks + 1;
  let next = new Date(options.now.getTime() + minutesUntilNextCheck(checks, options.baseMinutes) * 60_000);
  if (options.notAfter && options.notAfter < next) next = options.notAfter > options.now ? options.notAfter : options.now;
  await db.payment.update({
    where: { id: attempt.id },
    data: {
      bankChecks: checks,
      nextBankCheckAt: next,
      ...(result.ok
        ? { bankCheckFailures: 0, lastBankError: null }
        : { bankCheckFailures: attempt.bankCheckFailures + 1, lastBankError: result.error.slice(0, 500) }),
    },
  });
}
