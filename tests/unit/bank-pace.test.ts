// The background passes' pace with the bank, on a clock the test drives: never more questions a
// second than allowed, however many are waiting; and a backlog drained pass after pass.
import { describe, expect, it } from 'vitest';
import { bankPace, drainPasses, type PaceClock } from '../../src/jobs/bank-pace';

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
