// Brute-force brakes on the back-office sign-in that nobody else can use to lock the merchant out.
// Failures are counted per (username, address): a few are free, then each further attempt of that
// pair must wait twice as long as the last (2 s, 4 s, … up to 15 minutes), so guessing from one
// address slows to a crawl while the merchant, from their own address, is never held up by someone
// else's failures. Above that, one address may fail at most FAILURES_PER_ADDRESS times per window
// whatever names it tries, and all addresses together GLOBAL_FAILURES_PER_WINDOW times, a ceiling
// high enough that only a large distributed attack reaches it. A success clears its pair.
//
// The counts live in this process's memory: a shop on several processes multiplies what a guesser
// gets by their number, which still keeps guessing far too slow to matter.
import { createHash } from 'node:crypto';
import { HttpError } from '../web/errors';

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const FREE_FAILURES = 3;
export const MAX_DELAY_MS = 15 * 60_000;
export const FAILURES_PER_ADDRESS = 20;
export const GLOBAL_FAILURES_PER_WINDOW = 5_000;
/** A pair's failures are forgotten this long after its last one. */
const PAIR_MEMORY_MS = 24 * 3_600_000;
const MAX_PAIRS = 100_000;

export class LoginThrottledError extends HttpError {
  constructor(detail: string, retryAfterMs: number) {
    super(429, 'admin.login.throttled', detail, Math.ceil(retryAfterMs / 1000));
  }
}

/** The username as the check compares it, so " Merchant" and "merchant" share one count. */
function normalised(username: string): string {
  return username.trim().normalize('NFKC').toLowerCase();
}

/** A short digest that lets the log tie failures for one name together without holding the name. */
export function usernameDigest(username: string): string {
  return createHash('sha256').update(normalised(username)).digest('hex').slice(0, 12);
}

interface Count {
  failures: number;
  last: number;
}

export interface LoginThrottle {
  /** Throws LoginThrottledError when this attempt must wait. */
  check(username: string, address: string): void;
  failed(username: string, address: string): void;
  succeeded(username: string, address: string): void;
}

/** The wait after `failures` failures of one pair. */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(MAX_DELAY_MS, 1000 * 2 ** (failures - FREE_FAILURES + 1));
}

export function createLoginThrottle(clock: () => number = Date.now): LoginThrottle {
  // Insertion order is age order, for dropping the oldest pair when there are too many.
  const pairs = new Map<string, Count>();
  const addresses = new Map<string, { since: number; failures: number }>();
  let global = { since: 0, failures: 0 };
  const pairKey = (username: string, address: string) => `${address}\u0000${normalised(username)}`;

  const windowed = (count: { since: number; failures: number } | undefined, now: number) =>
    count && now - count.since < LOGIN_WINDOW_MS ? count : { since: now, failures: 0 };

  return {
    check(username, address) {
      const now = clock();
      const pair = pairs.get(pairKey(username, address));
      if (pair && now - pair.last < PAIR_MEMORY_MS) {
        const wait = pair.last + delayAfter(pair.failures) - now;
        if (wait > 0) throw new LoginThrottledError(`${pair.failures} failed sign-ins for this name from this address`, wait);
      }
      const byAddress = windowed(addresses.get(address), now);
      if (byAddress.failures >= FAILURES_PER_ADDRESS) {
        throw new LoginThrottledError('too many failed sign-ins from this address', byAddress.since + LOGIN_WINDOW_MS - now);
      }
      global = windowed(global, now);
      if (global.failures >= GLOBAL_FAILURES_PER_WINDOW) {
        throw new LoginThrottledError('too many failed sign-ins from everywhere', global.since + LOGIN_WINDOW_MS - now);
      }
    },
    failed(username, address) {
      const now = clock();
      const key = pairKey(username, address);
      const pair = pairs.get(key);
      const failures = pair && now - pair.last < PAIR_MEMORY_MS ? pair.failures + 1 : 1;
      pairs.delete(key);
      pairs.set(key, { failures, last: now });
      if (pairs.size > MAX_PAIRS) pairs.delete(pairs.keys().next().value!);
      const byAddress = windowed(addresses.get(address), now);
      addresses.set(address, { ...byAddress, failures: byAddress.failures + 1 });
      global = windowed(global, now);
      global.failures += 1;
      // Keep only this window's addresses.
      if (addresses.size > MAX_PAIRS) {
        for (const [known, count] of addresses) if (now - count.since >= LOGIN_WINDOW_MS) addresses.delete(known);
      }
    },
    succeeded(username, address) {
      pairs.delete(pairKey(username, address));
    },
  };
}
