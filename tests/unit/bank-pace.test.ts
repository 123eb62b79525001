// The background passes' pace with the bank, on a clock the test drives: never more questions a
// second than allowed, however many are waiting; and a backlog drained pass after pass.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { askPaced, bankPace, drainPasses, QUESTIONS_IN_FLIGHT, type PaceClock } from '../../src/jobs/bank-pace';

/** A clock that moves only when the code under test waits. */
function drivenClock(): PaceClock & { waits: number[] } {
  let now = 1_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    wait: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('bankPace', () => {
  it('spaces the questions evenly at the rate, so 1,000 take 50 seconds at 20 a second', async () => {
    const clock = drivenClock();
    const pace = bankPace(20, clock);
    const askedAt: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      await pace();
      askedAt.push(clock.now());
    }
    expect(askedAt.at(-1)! - askedAt[0]!).toBeCloseTo(999 * 50, 6);
    // In no window of one second were more than 20 questions asked.
    for (let i = 20; i < askedAt.length; i++) expect(askedAt[i]! - askedAt[i - 20]!).toBeGreaterThanOrEqual(1000 - 1e-6);
  });

  it('does not wait when the questions come slower than the rate anyway', async () => {
    const clock = drivenClock();
    const pace = bankPace(10, clock);
    await pace();
    await clock.wait(500);
    clock.waits.length = 0;
    await pace();
    expect(clock.waits).toEqual([]);
  });
});

describe('askPaced', () => {
  afterEach(() => void vi.useRealTimers());

  /** Questions that each take `tookMs` of the fake clock; when each started, and the most at once. */
  async function askAll(count: number, tookMs: number, perSecond: number, stopAt?: number) {
    vi.useFakeTimers();
    const clock: PaceClock = { now: () => Date.now(), wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
    const startedAt: number[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const asked = askPaced(Array.from({ length: count }, (_, n) => n), bankPace(perSecond, clock), async (n) => {
      startedAt.push(Date.now());
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await clock.wait(tookMs);
      inFlight--;
      return { report: n, stop: n === stopAt };
    });
    const begun = Date.now();
    await vi.runAllTimersAsync();
    return { reports: await asked, startedAt, mostInFlight, tookMs: Date.now() - begun };
  }

  const mostStartsInASecond = (startedAt: number[]) =>
    Math.max(...startedAt.map((at) => startedAt.filter((other) => other >= at && other < at + 1000).length));

  it('keeps a few questions in flight when each is slow, never starting more a second than the rate', async () => {
    // 800 ms a question: one at a time would be 1.25 a second; the rate allows 20.
    const { reports, startedAt, mostInFlight, tookMs } = await askAll(200, 800, 20);
    expect(reports).toEqual(Array.from({ length: 200 }, (_, n) => n));
    expect(mostInFlight).toBe(QUESTIONS_IN_FLIGHT);
    expect(mostStartsInASecond(startedAt)).toBeLessThanOrEqual(20);
    // Bound by the questions in flight: 200 × 800 ms / 8.
    expect(tookMs).toBeLessThanOrEqual((200 / QUESTIONS_IN_FLIGHT) * 800 + 800);
  });

  it('is held to the rate when the questions are quick, however many may be in flight', async () => {
    const { startedAt, tookMs } = await askAll(200, 100, 20);
    expect(mostStartsInASecond(startedAt)).toBe(20);
    for (let i = 1; i < startedAt.length; i++) expect(startedAt[i]! - startedAt[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(tookMs).toBeGreaterThanOrEqual(199 * 50);
  });

  it('starts no question after one says to stop, and reports only those asked', async () => {
    const { reports } = await askAll(50, 300, 20, 5);
    // The fifth's answer came while the next few were already in flight; nothing started after it.
    expect(reports.slice(0, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(reports.length).toBeLessThanOrEqual(6 + QUESTIONS_IN_FLIGHT - 1);
  });
});

describe('drainPasses', () => {
  it('runs pass after pass while each comes back full, and stops at the first short one', async () => {
    let waiting = 10_000 + 7;
    const passes: number[] = [];
    const reports = await drainPasses(async () => {
      const batch = Math.min(50, waiting);
      waiting -= batch;
      passes.push(batch);
      return Array.from({ length: batch }, (_, i) => i);
    }, 50, 1_000);
    expect(reports).toHaveLength(10_007);
    expect(passes).toHaveLength(201);
    expect(passes.at(-1)).toBe(7);
  });

  it('stops after the most passes a run may make, leaving the rest for the next run', async () => {
    let calls = 0;
    await drainPasses(async () => {
      calls++;
      return Array.from({ length: 50 }, () => 'x');
    }, 50, 3);
    expect(calls).toBe(3);
  });
});
