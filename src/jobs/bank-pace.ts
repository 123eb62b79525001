// How the background passes work through a backlog: pass after pass until one comes back short
// (each pass reads its own bounded batch and settles each attempt in its own transaction, so none
// stays open across the backlog), a few questions in flight at once, and never starting more than
// SINOPAC_MAX_QUERIES_PER_SECOND questions a second, however many attempts are waiting.
import pLimit from 'p-limit';

/** Waits, when needed, until the next question to the bank keeps to the rate. */
export type BankPace = () => Promise<void>;

export interface PaceClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  wait(ms: number): Promise<void>;
}

const realPaceClock: PaceClock = {
  now: () => performance.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** No pacing: a single pass run by hand or by a test. */
export const noPace: BankPace = async () => {};

/** At most `perSecond` questions a second, evenly spaced, for every pass that shares it. */
export function bankPace(perSecond: number, clock: PaceClock = realPaceClock): BankPace {
  const gapMs = 1000 / perSecond;
  let nextAt = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = clock.now();
    const at = Math.max(now, nextAt);
    nextAt = at + gapMs;
    if (at > now) await clock.wait(at - now);
  };
}

// A question takes 100–400 ms (a nonce, the question, applying the answer; more on a busy server):
// asked one after another, a pass could never reach the pace, and with four at once a busy server
// fell short of it. Eight let the pace be the limit, while the bank still sees no more than the
// pace's starts a second.
export const QUESTIONS_IN_FLIGHT = 8;

/**
 * Asks about every item, at most `inFlight` at once, each start waiting for the pace. Once an
 * answer says `stop` (the bank is unreachable), no further question starts. The reports come back
 * in the items' order, without those never asked.
 */
export async function askPaced<T, R>(
  items: readonly T[],
  pace: BankPace,
  ask: (item: T) => Promise<{ report: R; stop?: boolean }>,
  inFlight = QUESTIONS_IN_FLIGHT,
): Promise<R[]> {
  const limit = pLimit(inFlight);
  let stopped = false;
  const reports = await Promise.all(items.map((item) => limit(async () => {
    if (stopped) return undefined;
    await pace();
    if (stopped) return undefined;
    const { report, stop } = await ask(item);
    if (stop) stopped = true;
    return { report };
  })));
  return reports.flatMap((asked) => (asked ? [asked.report] : []));
}

/**
 * Runs `pass` again while it came back full (`fullPass` items), at most `maxPasses` times: a pass
 * that came back short found nothing more due, or stopped because the bank did not answer.
 */
export async function drainPasses<T>(pass: () => Promise<T[]>, fullPass: number, maxPasses: number): Promise<T[]> {
  const all: T[] = [];
  for (let round = 0; round < maxPasses; round++) {
    const reports = await pass();
    all.push(...reports);
    if (reports.length < fullPass) break;
  }
  return all;
}
