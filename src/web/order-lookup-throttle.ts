// Brakes on "find my order": only failed look-ups count (a found order gives its try back, being a
// redirect). Three counts: the client's address, against one machine trying many numbers; the order
// number from one address, against one machine guessing one order's contact; and the order number
// from everywhere, a far higher ceiling against many machines guessing together. So a handful of
// wrong tries from elsewhere never locks the order's own shopper out, and only a distributed attack
// can, for a window. A number is counted whether or not such an order exists, so a refusal here
// tells nothing either. The counts live in PostgreSQL like the other limits (rate-limits.ts), so
// they hold for all processes together.
//
// Every key is built from what the form check (orders/order-lookup.ts) let through: a normalised
// number of the shop's format and the client's address key, never the raw body.
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Database } from '../db/prisma';
import type { LookupForm } from '../orders/order-lookup';
import { requestClientKey } from './client-address';
import { HttpError } from './errors';
import { PostgresRateLimitStore } from './rate-limit-store';

const LOOKUP_WINDOW_MS = 15 * 60_000;
export const LOOKUP_FAILURES_PER_ADDRESS = 10;
export const LOOKUP_FAILURES_PER_NUMBER_AND_ADDRESS = 5;
export const LOOKUP_FAILURES_PER_ORDER_NUMBER = 30;

class LookupThrottledError extends HttpError {
  constructor(detail: string) {
    super(429, 'lookup.throttled', detail);
  }
}

/** The checked form, which the route puts in res.locals.lookupForm before the throttles run. */
function numberTried(res: Response): string {
  return (res.locals.lookupForm as LookupForm).orderNumber;
}

export function orderLookupThrottle(db: Database): RequestHandler[] {
  // The library's check for "req.ip" in a key function's source: client-address.ts does the IPv6 part.
  const common = {
    windowMs: LOOKUP_WINDOW_MS,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { keyGeneratorIpFallback: false },
  } as const;
  const limit = (what: string, max: number, keyGenerator: (req: Request, res: Response) => string, refusal: string) =>
    rateLimit({
      ...common,
      limit: max,
      store: new PostgresRateLimitStore(db, `lookup failures by ${what}:`),
      keyGenerator,
      handler: (_req, _res, next) => next(new LookupThrottledError(refusal)),
    });
  return [
    limit('address', LOOKUP_FAILURES_PER_ADDRESS, requestClientKey, 'too many failed order look-ups from this address'),
    limit('number and address', LOOKUP_FAILURES_PER_NUMBER_AND_ADDRESS, (req, res) => `${numberTried(res)} ${requestClientKey(req)}`, 'too many failed look-ups of this order number from this address'),
    limit('number', LOOKUP_FAILURES_PER_ORDER_NUMBER, (_req, res) => numberTried(res), 'too many failed look-ups of this order number'),
  ];
}
