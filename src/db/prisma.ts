// The shop's database client: Prisma on the pg driver adapter (no query-engine binary), over a pg
// pool of our own. The pool is also reachable (poolOf) for the few statements made on every bank
// callback or bank call, which through Prisma's runtime cost two to three times the client CPU: in
// feature code only payments/payment-sql.ts reaches it (the composition root hands it to the
// bank-call audit, which writes through that module), and web/rate-limit-store.ts for the counts
// a checkout, a cart change and a new bank notification wait for.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client';

export type Database = PrismaClient;

const pools = new WeakMap<Database, pg.Pool>();

/** A Database over this pool, which its $disconnect() ends. */
export function databaseOnPool(pool: pg.Pool, options: { errorFormat?: 'minimal' } = {}): Database {
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }), ...options });
  pools.set(db, pool);
  return db;
}

export function createDatabase(url: string, options: { poolSize?: number; onPoolError?: (error: Error) => void } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle connection cut by a database restart emits 'error'; unheard, it would end the process.
  pool.on('error', (error) => options.onPoolError?.(error));
  return databaseOnPool(pool);
}

/** The pg pool under a Database, for the statements sent without Prisma's runtime. */
export function poolOf(db: Database): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error('a Database made by createDatabase or databaseOnPool was expected');
  return pool;
}
