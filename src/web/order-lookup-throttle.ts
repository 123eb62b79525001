// Brakes on "find my order": only failed look-ups count (a found order gives its try back, being a
// redirect). Two keys: the client's address, against one machine trying many numbers, and the order
// number tried, against many machines guessing one order's contact. The number is counted whether
// or not such an order exists, so a refusal here tells nothing either. The counts live in this
// process's memory, like the other limits (rate-limits.ts).
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { normaliseOrderNumber } from '../orders/order-lookup';
import { HttpError } from './errors';

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

export function orderLookupThrottle(): RequestHandler[] {
  const common = { windowMs: LOOKUP_WINDOW_MS, skipSuccessfulRequests: true, standardHeaders: 'draft-8', legacyHeaders: false } as const;
  return [
    rateLimit({
      ...common,
      limit: LOOKUP_FAILURES_PER_ADDRESS,
      handler: (_req, _res, next) => next(new LookupThrottledError('too many failed order look-ups from this address')),
    }),
    rateLimit({
      ...common,
      limit: LOOKUP_FAILURES_PER_ORDER_NUMBER,
      keyGenerator: orderNumberTried,
      handler: (_req, _res, next) => next(new LookupThrottledError('too many failed look-ups of this order number')),
    }),
  ];
}
