// Request limits per client address, for the POSTs that cost the shop something: a checkout or a
// new payment attempt calls the bank, a cart change writes a session row, and each bank callback
// asks the bank about its PayToken. A refused request goes to the one error handler as a 429.
//
// The callbacks' limit is far above the others on purpose: the bank sends every notification up to
// five times (docs/sinopac-protocol.md §5.1), from a few addresses, so a payment costs at most five callbacks from
// one address, and a notification refused here is only applied at the bank's next try (or by the
// bank check). 5,000 a minute is 1,000 payments a minute with all five deliveries of each landing in
// the same minute. What a forger can make the shop ask the bank is capped separately and far lower
// (web/callback-screening.ts): this limit only bounds the log rows one address can write.
// The counts live in PostgreSQL (web/rate-limit-store.ts): the limits hold for all processes together.
// The callbacks' count is added there in batches of a hundredth of the limit, sparing a round trip
// per callback; each process may let through up to that many more.
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Database } from '../db/prisma';
import { TooManyRequestsError } from './errors';
import { requestClientKey } from './client-address';
import { BatchedRateLimitStore, PostgresRateLimitStore } from './rate-limit-store';

export interface RateLimitSettings {
  /** The window every count runs over, in milliseconds. */
  windowMs: number;
  /** Checkouts and new payment attempts per address and window. */
  checkout: number;
  /** Cart changes per address and window. */
  cart: number;
  /** The bank's notifications and the shoppers' returns together, per address and window. */
  callbacks: number;
}

const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  windowMs: 60_000,
  checkout: 30,
  cart: 120,
  callbacks: 5_000,
};

export interface RateLimits {
  checkout: RequestHandler;
  cart: RequestHandler;
  callbacks: RequestHandler;
}

export function createRateLimits(db: Database, settings: Partial<RateLimitSettings> = {}): RateLimits {
  const { windowMs, ...limits } = { ...DEFAULT_RATE_LIMITS, ...settings };
  // Keyed by client address (web/client-address.ts): an IPv6 client by its /64, not the library's /56.
  const limiter = (limit: number, what: string, batch = 1) =>
    rateLimit({
      windowMs,
      limit,
      store: batch > 1 ? new BatchedRateLimitStore(new PostgresRateLimitStore(db, `${what}:`), batch) : new PostgresRateLimitStore(db, `${what}:`),
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: requestClientKey,
      // That check reads the key function's source for "req.ip"; client-address.ts does the IPv6 part.
      validate: { keyGeneratorIpFallback: false },
      handler: (_req, _res, next) => next(new TooManyRequestsError(`more than ${limit} ${what} in ${windowMs} ms from this address`)),
    });
  return {
    checkout: limiter(limits.checkout, 'checkouts'),
    cart: limiter(limits.cart, 'cart changes'),
    callbacks: limiter(limits.callbacks, 'bank callbacks', Math.floor(limits.callbacks / 100)),
  };
}

/**
 * The limit's count and `handlers` (the session's read) side by side, for the requests that need
 * both: two database round trips waited for as one. The request goes on once both are done, and
 * is refused if the limit refuses it; the price is a session read for a request over the limit.
 */
export function limitAlongside(limit: RequestHandler, handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let waiting = 2;
    let failure: unknown;
    const done = (error?: unknown) => {
      if (error !== undefined && failure === undefined) failure = error;
      if (--waiting === 0) next(failure);
    };
    const inTurn = (index: number) => (error?: unknown) => {
      if (error !== undefined || index === handlers.length) return done(error);
      try {
        handlers[index]!(req, res, inTurn(index + 1));
      } catch (thrown) {
        done(thrown);
      }
    };
    try {
      limit(req, res, done);
    } catch (thrown) {
      done(thrown);
    }
    inTurn(0)();
  };
}
