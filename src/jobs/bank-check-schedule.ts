// When the jobs ask the bank about an attempt (or a refund) again. The notification is the normal
// path, so the questions thin out: the first one `baseMinutes` after the attempt started, then
// after 1 h, 4 h, 16 h (with the default 15 min: each wait four times the one before), never more
// than a day apart. An answer the shop cannot use that still says something (a refusal, an
// untrusted message, a mismatch) takes a step on the same ladder, so one bad attempt never holds
// the queue: it waits its turn behind the others. A failure likely to pass in minutes (no answer,
// the bank busy or in maintenance) takes no step: the attempt is asked again within minutes,
// doubling from TRANSIENT_RETRY_MINUTES with jitter (so attempts that failed together are not asked
// together again), never later than its ladder step would come. When its notifications were lost
// too, a paid shopper then waits minutes, not an hour. Either way, after ATTENTION_AFTER_FAILURES
// failures in a row the back office lists the attempt.
import type { Database } from '../db/prisma';

export const ATTENTION_AFTER_FAILURES = 5;

const GROWTH = 4;
const LONGEST_MINUTES = 24 * 60;

/** Minutes from the `checksSoFar`-th question (1 for the first) to the next one. */
export function minutesUntilNextCheck(checksSoFar: number, baseMinutes: number): number {
  return Math.min(baseMinutes * GROWTH ** Math.max(1, checksSoFar), Math.max(LONGEST_MINUTES, baseMinutes));
}

/** The first retry after a transient failure, in minutes; each further one in a row doubles it. */
const TRANSIENT_RETRY_MINUTES = 2;

/** Minutes until the retry after the (failuresInRow + 1)-th failure in a row: 1–3, 2–6, 4–12 … never past `ladderMinutes`. */
export function transientRetryMinutes(failuresInRow: number, ladderMinutes: number, random: () => number): number {
  const base = TRANSIENT_RETRY_MINUTES * 2 ** Math.min(failuresInRow, 16);
  return Math.min(base * (0.5 + random()), ladderMinutes);
}

export type CheckResult = { ok: true } | { ok: false; error: string; transient?: boolean };

export interface ScheduledAttempt {
  id: string;
  bankChecks: number;
  bankCheckFailures: number;
}

/**
 * Records one question about the attempt and sets the next. `notAfter`: the next question comes no
 * later than this (an ATM attempt's deadline plus grace, when the expiry asks once more; a card
 * link's expiry plus grace). `random` draws the jitter, in [0, 1).
 */
export async function recordAttemptCheck(
  db: Database,
  attempt: ScheduledAttempt,
  result: CheckResult,
  options: { now: Date; baseMinutes: number; notAfter?: Date | null; random?: () => number },
): Promise<void> {
  const transient = !result.ok && result.transient === true;
  // bankChecks counts the questions that got an answer saying something: the ladder's steps.
  const checks = transient ? attempt.bankChecks : attempt.bankChecks + 1;
  const ladderMinutes = minutesUntilNextCheck(attempt.bankChecks + 1, options.baseMinutes);
  const waitMinutes = transient ? transientRetryMinutes(attempt.bankCheckFailures, ladderMinutes, options.random ?? Math.random) : ladderMinutes;
  let next = new Date(options.now.getTime() + waitMinutes * 60_000);
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
