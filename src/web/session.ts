// Cookie sessions stored in PostgreSQL (the `session` table of the Prisma schema), so a shop on
// several processes shares them. The cart and the shopper's order-ownership token live here.
import type { Express, Request } from 'express';
import session from 'express-session';
import connectPgSimple from 'connect-pg-simple';
import pg from 'pg';

const THIRTY_DAYS_MS = 30 * 24 * 3600 * 1000;

export interface SessionStore {
  store: session.Store;
  close(): Promise<void>;
}

export function createSessionStore(databaseUrl: string): SessionStore {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const PgStore = connectPgSimple(session);
  // The table comes from the migrations; pruning expired sessions runs in the store, hourly.
  const store = new PgStore({ pool, tableName: 'session', createTableIfMissing: false, pruneSessionInterval: 3600 });
  return {
    store,
    async close() {
      store.close();
      await pool.end();
    },
  };
}

export function setUpSession(app: Express, options: { store: session.Store; secret: string; secureCookies: boolean }): void {
  app.use(
    session({
      name: 'fengshou.sid',
      store: options.store,
      secret: options.secret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: THIRTY_DAYS_MS },
    }),
  );
}

/**
 * Stores the session now. Call it before redirecting from a request that changed the session:
 * express-session otherwise stores it while the response is already going out, and a browser
 * follows a redirect as soon as it has the status line, so the next page could load the session as
 * it was before (an empty cart just after "add to cart").
 */
export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((error) => (error ? reject(error) : resolve())));
}
