// A Prisma client like the shop's (src/db/prisma.ts) whose pg pool counts the SQL statements it
// sends. With pg every statement is one round trip to PostgreSQL, BEGIN and COMMIT included.
import pg from 'pg';
import { databaseOnPool, type Database } from '../../src/db/prisma';

export interface CountedDatabase {
  db: Database;
  /** For the bench's own checks, which are not counted against the shop. */
  pool: pg.Pool;
  /** Statements the Prisma client has sent so far. */
  statements(): number;
  close(): Promise<void>;
}

type Query = (...args: unknown[]) => unknown;

export function createCountedDatabase(url: string, poolSize: number): CountedDatabase {
  let statements = 0;
  const counted = new pg.Pool({ connectionString: url, max: poolSize });
  counted.on('connect', (client) => {
    const query = client.query as unknown as Query;
    (client as unknown as { query: Query }).query = (...args) => {
      statements++;
      return query.apply(client, args);
    };
  });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // An idle connection the server ends (once seen mid-run: 57P01 on the shared machine) is simply
  // dropped and replaced by the next query; without a listener it would end the bench.
  for (const p of [counted, pool]) p.on('error', (error) => console.error(`[bench] an idle database connection ended: ${error.message}`));
  // The bench runs the shop with NODE_ENV=production, where Prisma's default error format is
  // 'minimal': it then skips capturing a call-site stack for every query, which this process
  // (not in production) would otherwise pay and charge to the shop.
  const db = databaseOnPool(counted, { errorFormat: 'minimal' });
  return {
    db,
    pool,
    statements: () => statements,
    async close() {
      // Ends the counted pool too.
      await db.$disconnect();
      await pool.end();
    },
  };
}
