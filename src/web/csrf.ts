// CSRF protection for every shop form, as a signed double-submit cookie tied to the session: each
// browser holds a random value in an HttpOnly cookie, its forms carry an HMAC of that value and of
// its session id under the shop's secret, and a request that changes anything is refused unless
// they agree. In production the cookie is a `__Host-` one (web/cookies.ts), which no other host (a
// sibling subdomain) can set, so an attacker cannot plant a value whose token he knows; and since
// the session id is part of the token, a cookie and token pair valid in one session is refused in
// any other, and every new session id (a back-office sign-in, checkout, an order opened here: see
// renewSessionId) makes the tokens of the old one worthless.
//
// The session id is read from the session cookie, not the session: the catalog and product pages,
// which carry the add-to-cart form, are served without loading the session. The cookie holds
// "s:<id>.<signature>"; the signature is express-session's business (a forged cookie gets a fresh
// session there), and a token for an id only ever comes from a request that presented that id.
// A visitor without a session has tokens for none. A page from before the session began (a second
// tab) is therefore refused once it has one, and the page is loaded again.
//
// Written here rather than with csrf-sync (its token lives in the session) or csrf-csrf (it sets its
// cookie again on every page, and compares HMACs as strings): the whole mechanism is these lines.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import type { ShopCookies } from './cookies';
import { HttpError } from './errors';
import { SESSION_LIFETIME_MS, sessionIdRenewed } from './session';

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

/** The id in an express-session cookie ("s:<id>.<signature>"), or the whole value if it is not one. */
function sessionIdIn(cookie: string | undefined): string {
  if (!cookie) return '';
  const dot = cookie.lastIndexOf('.');
  return cookie.startsWith('s:') && dot > 2 ? cookie.slice(2, dot) : cookie;
}

export function setUpCsrf(app: Express, options: { secret: string; cookies: ShopCookies }): void {
  const cookieName = options.cookies.name('csrf');
  const sessionCookie = options.cookies.name('sid');
  // A key of its own, so that no token of this kind can stand for another use of the secret.
  const key = createHmac('sha256', options.secret).update('fengshou csrf tokens v2').digest();
  const tokenFor = (browserValue: string, sessionId: string) =>
    createHmac('sha256', key).update(`${browserValue}\n${sessionId}`).digest('base64url');
  // The session the browser will hold after this response: a new id given in this request, else
  // the one it came with.
  const currentSessionId = (req: Request) => (sessionIdRenewed(req) ? req.sessionID : sessionIdIn(req.cookies[sessionCookie]));

  app.use((req, res, next) => {
    const cookie = req.cookies[cookieName];
    let browserValue = cookie !== undefined && BROWSER_VALUE.test(cookie) ? cookie : undefined;
    if (!SAFE_METHODS.has(req.method)) {
      const given: unknown = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.get('x-csrf-token');
      if (!browserValue || !matches(given, tokenFor(browserValue, currentSessionId(req)))) return next(new CsrfError());
    }
    if (!browserValue) {
      browserValue = randomBytes(32).toString('base64url');
      res.cookie(cookieName, browserValue, { ...options.cookies.options, maxAge: SESSION_LIFETIME_MS });
    }
    const value = browserValue;
    // Worked out when a page is rendered, after the route may have given the session a new id.
    Object.defineProperty(res.locals, 'csrfToken', { enumerable: true, get: () => tokenFor(value, currentSessionId(req)) });
    next();
  });
}
