// Cookie sessions stored in PostgreSQL (the `session` table of the Prisma schema), so a shop on
// several processes shares them. The cart and the shopper's order-ownership token live here.
import type { Express } from 'express';
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
