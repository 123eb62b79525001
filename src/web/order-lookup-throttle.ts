// Brakes on "find my order": only failed look-ups count (a found order gives its try back, being a
// redirect). Two keys: the client's address, against one machine trying many numbers, and the order
// number tried, against many machines guessing one order's contact. The number is counted whether
// or not such an order exists, so a refusal here tells nothing either. The counts live in
// PostgreSQL like the other limits (rate-limits.ts), so they hold for all processes together.
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Database } from '../db/prisma';
import { normaliseOrderNumber } from '../orders/order-lookup';
import { requestClientKey } from './client-address';
import { HttpError } from './errors';
import { PostgresRateLimitStore } from './rate-limit-store';

export const LOOKUP_WINDOW_MS = 15 * 60_000;
export const LOOKUP_FAILURES_PER_ADDRESS = 10;
export const LOOKUP_FAILURES_PER_ORDER_NUMBER = 5;

export class LookupThrottledError extends HttpError {
  constructor(detail: string) {
    super(429, 'lookup.throttled', detail);
  }
}

function orderNumberTried(req: Request): string {
  const typed = (req.body as { orderNumber?: unknown } | undefined)?.orderNumber;
  return `order:${typeof typed === 'string' ? normaliseOrderNumber(typed) : ''}`;
}

export function orderLookupThrottle(db: Database): RequestHandler[] {
  const common = { windowMs: LOOKUP_WINDOW_MS, skipSuccessfulRequests: true, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  return [
    rateLimit({
      ...common,
      limit: LOOKUP_FAILURES_PER_ADDRESS,
      store: new PostgresRateLimitStore(db, 'lookup failures by address:'),
      keyGenerator: requestClientKey,
      handler: (_req, _res, next) => next(new LookupThrottledError('too many failed order look-ups from this address')),
    }),
    rateLimit({
      ...common,
      limit: LOOKUP_FAILURES_PER_ORDER_NUMBER,
      store: new PostgresRateLimitStore(db, 'lookup failures by number:'),
      keyGenerator: orderNumberTried,
      handler: (_req, _res, next) => next(new LookupThrottledError('too many failed look-ups of this order number')),
    }),
  ];
}
