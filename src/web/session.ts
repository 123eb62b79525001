// Cookie sessions stored in PostgreSQL (the `session` table of the Prisma schema), so a shop on
// several processes shares them. The cart and the shopper's order-ownership token live here; a
// visitor who only looks around has none (the CSRF token is a cookie of its own, web/csrf.ts).
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import pg from 'pg';
import type { Logger } from 'pino';

/** How long a session lasts after it is last stored; the shop's other cookies live as long. */
export const SESSION_LIFETIME_MS = 30 * 24 * 3600 * 1000;
const ONE_HOUR_MS = 3600 * 1000;

export interface SessionStore {
  store: session.Store;
  close(): Promise<void>;
}

export function createSessionStore(databaseUrl: string, logger: Logger): SessionStore {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  // An idle connection cut by a database restart emits 'error' on the pool; unheard, it would end
  // the process. The pool drops that connection and opens a new one for the next session query.
  pool.on('error', (error) => logger.warn({ err: error }, 'session store: idle database connection lost'));
  const PgStore = connectPgSimple(session);
  // The table comes from the migrations; pruning expired sessions runs in the store, hourly.
  // No touch: a session's expiry moves only when it is stored, see renewHourly below.
  const store = new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: 3600, disableTouch: true });
  return {
    store,
    async close() {
      store.close();
      await pool.end();
    },
  };
}

/** The session's handlers, for the app to use where pages need the session (and once more before a path that must know the visitor first). */
export function sessionHandlers(options: { store: session.Store; secret: string; secureCookies: boolean }): RequestHandler[] {
  return [
    session({
      name: 'fengshou.sid',
      store: options.store,
      secret: options.secret,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: SESSION_LIFETIME_MS },
    }),
    renewHourly,
  ];
}

// A session lasts 30 days from the shopper's last visit to a page that reads it (the catalog and
// product pages do not), but moving its expiry on every page view (rolling sessions) rewrote its
// row on every request. Without rolling, express-session stores a session and sends its cookie,
// both with a fresh expiry, only when the session changed; the store's touch is off, because it
// would move the row's expiry but not the browser's cookie. So once the stored expiry is an hour
// old, this changes the session, and that one request renews row and cookie together: an active
// session costs one write an hour, and still expires 30 days (less at most an hour) after the last
// visit. A new session has a fresh expiry and is left alone: it is
// stored only if something else puts data in it.
const renewHourly: RequestHandler = (req, _res, next) => {
  // maxAge is the time left until the stored expiry; originalMaxAge the full lifetime.
  const { maxAge, originalMaxAge } = req.session.cookie;
  if (maxAge != null && originalMaxAge != null && maxAge < originalMaxAge - ONE_HOUR_MS) req.session.renewedAt = Date.now();
  next();
};

/**
 * Stores the session now. Call it before redirecting from a request that changed the session:
 * express-session otherwise stores it while the response is already going out, and a browser
 * follows a redirect as soon as it has the status line, so the next page could load the session as
 * it was before (an empty cart just after "add to cart").
 */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}
