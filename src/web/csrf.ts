// CSRF protection for every shop form, as a signed double-submit cookie: each browser holds a random
// value in an HttpOnly cookie, its forms carry an HMAC of that value under the shop's secret, and a
// request that changes anything is refused unless the two agree. In production the cookie is a
// `__Host-` one, which no other host (a sibling subdomain) can set, so an attacker cannot plant a
// value whose token he knows. Kept out of the session so that pages with forms, the catalog and
// the products, are served without loading one. The bank's two callbacks are mounted before this
// middleware, so they are the only POSTs without a token.
//
// Written here rather than with csrf-sync (its token lives in the session) or csrf-csrf (it sets its
// cookie again on every page, and compares HMACs as strings): the whole mechanism is these lines.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Express } from 'express';
import { HttpError } from './errors';
import { SESSION_LIFETIME_MS } from './session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** 32 random bytes, base64url: what this module issues, and all it accepts as a browser's value. */
const BROWSER_VALUE = /^[A-Za-z0-9_-]{43}$/;

class CsrfError extends HttpError {
  constructor() {
    super(403, 'error.forbidden', 'CSRF token missing or not this browser’s');
  }
}

function matches(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const [a, b] = [Buffer.from(given, 'utf8'), Buffer.from(token, 'utf8')];
  return a.length === b.length && timingSafeEqual(a, b);
}

export function setUpCsrf(app: Express, options: { secret: string; secureCookies: boolean }): void {
  const cookieName = options.secureCookies ? '__Host-fengshou.csrf' : 'fengshou.csrf';
  // A key of its own, so that no token of this kind can stand for another use of the secret.
  const key = createHmac('sha256', options.secret).update('fengshou csrf tokens').digest();
  const tokenFor = (browserValue: string) => createHmac('sha256', key).update(browserValue).digest('base64url');

  app.use((req, res, next) => {
    const cookie: unknown = req.cookies[cookieName];
    const token = typeof cookie === 'string' && BROWSER_VALUE.test(cookie) ? tokenFor(cookie) : undefined;
    if (!SAFE_METHODS.has(req.method)) {
      const given: unknown = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token');
      if (!token || !matches(given, token)) return next(new CsrfError());
    }
    if (token) {
      res.locals.csrfToken = token;
      return next();
    }
    const browserValue = randomBytes(32).toString('base64url');
    res.cookie(cookieName, browserValue, { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, path: '/', maxAge: SESSION_LIFETIME_MS });
    res.locals.csrfToken = tokenFor(browserValue);
    next();
  });
}
