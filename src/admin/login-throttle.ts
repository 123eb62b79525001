// Brute-force brakes on the login form. Only failed attempts count (a successful sign-in gives its
// attempt back); once a limit is reached every attempt is refused until the window ends, the right
// password included. Two keys: the client's address, against one machine trying many names, and
// the username tried, against many machines trying one name.
//
// The counts live in this process's memory: a shop on several processes multiplies the limits by
// their number, which still keeps guessing far too slow to matter.
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from '../web/errors';

export const LOGIN_WINDOW_MS = 15 * 60_000;
export const FAILURES_PER_USERNAME = 5;
export const FAILURES_PER_ADDRESS = 20;

export class LoginThrottledError extends HttpError {
  constructor(detail: string) {
    super(429, 'admin.login.throttled', detail);
  }
}

function usernameTried(req: Request): string {
  const username = (req.body as { username?: unknown } | undefined)?.username;
  return `user:${typeof username === 'string' ? username.trim().normalize('NFKC').toLowerCase() : ''}`;
}

export function loginThrottle(): RequestHandler[] {
  const common = {
    windowMs: LOGIN_WINDOW_MS,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
  } as const;
  return [
    rateLimit({
      ...common,
      limit: FAILURES_PER_ADDRESS,
      handler: (_req, _res, next) => next(new LoginThrottledError('too many failed logins from this address')),
    }),
    rateLimit({
      ...common,
      limit: FAILURES_PER_USERNAME,
      keyGenerator: usernameTried,
      handler: (_req, _res, next) => next(new LoginThrottledError('too many failed logins for this username')),
    }),
  ];
}
