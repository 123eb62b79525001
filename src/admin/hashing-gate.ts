// How many back-office passwords are hashed at once. scrypt runs on libuv's thread pool (four
// threads by default), which the shop's file reads (static files, views) and DNS look-ups share: a
// burst of sign-ins, each hashing for a few hundred milliseconds, once made a stylesheet wait
// seconds. So at most HASHES_IN_FLIGHT hashes run at a time, leaving the other threads free; up to
// HASHES_WAITING more wait their turn (a moment each), and any beyond that, like a second
// attempt of a (username, address) pair whose first is still being hashed, are refused with a 429
// at once: the merchant signing in never needs either.
import pLimit from 'p-limit';
import { LoginThrottledError } from './sign-in';

export const HASHES_IN_FLIGHT = 2;
const HASHES_WAITING = 8;
/** What a refused attempt is told to wait: long enough for the hashes ahead of it. */
const RETRY_AFTER_MS = 1_000;

export interface HashingGate {
  /** Runs `hash` when a slot is free; throws LoginThrottledError when it may not wait for one. */
  run<T>(pair: string, hash: () => Promise<T>): Promise<T>;
}

export function createHashingGate(): HashingGate {
  const limit = pLimit(HASHES_IN_FLIGHT);
  const pairsInFlight = new Set<string>();
  return {
    async run(pair, hash) {
      if (pairsInFlight.has(pair)) throw new LoginThrottledError('a sign-in of this name from this address is being checked', RETRY_AFTER_MS);
      if (limit.pendingCount >= HASHES_WAITING) throw new LoginThrottledError('too many sign-ins being checked at once', RETRY_AFTER_MS);
      pairsInFlight.add(pair);
      try {
        return await limit(hash);
      } finally {
        pairsInFlight.delete(pair);
      }
    },
  };
}
