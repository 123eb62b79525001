// `npm run bench:scale`: only the scale section (scale.ts) on a throwaway PostgreSQL, printed;
// BENCHMARKS.md is left alone. BENCH_SCALE sets the number of orders. BENCH_SCALE_DIR keeps the
// generated database in that directory and measures it again on the next run (generating a
// million orders takes many minutes; the migrations added since are applied to it first).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createDatabaseIfMissing, databaseUrl } from '../../src/db/databases';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort } from '../free-port';
import { applyMigrations } from '../../src/db/migrate';
import { startBenchDatabase } from './database';
import { printReport } from './report';
import { measureScale, SCALE_ORDERS } from './scale';
import { generateScaleData } from './scale-data';

const started = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

async function ordersIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Not the settlement's and the backlog's own orders (scale-settlement.ts, scale-backlog.ts).
    return Number((await client.query(`SELECT count(*) AS n FROM "Order" WHERE id NOT LIKE 'settle-%' AND id NOT LIKE 'backlog-%'`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** The scale database: a kept one under BENCH_SCALE_DIR, or a throwaway one. */
async function openScaleDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const keptDir = process.env.BENCH_SCALE_DIR;
  if (keptDir) {
    mkdirSync(keptDir, { recursive: true });
    const server = await startEmbeddedPostgres({ dataDir: keptDir, port: await freePort(), log });
    const url = databaseUrl(server.urlFor('postgres'), 'fengshou_scale');
    await createDatabaseIfMissing(server.urlFor('postgres'), 'fengshou_scale');
    await applyMigrations(url);
    return { url, stop: () => server.stop() };
  }
  const runDir = fileURLToPath(new URL(`../../.data/bench-scale-${process.pid}`, import.meta.url));
  mkdirSync(runDir, { recursive: true });
  const database = await startBenchDatabase(`${runDir}/postgres`, log);
  return {
    url: database.scaleUrl,
    stop: async () => {
      await database.stop();
      if (existsSync(runDir)) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

const database = await openScaleDatabase();
let failed = false;
try {
  const present = await ordersIn(database.url);
  if (present === 0) {
    log(`scale: generating ${SCALE_ORDERS.toLocaleString('en-US')} orders ...`);
    const generating = performance.now();
    await generateScaleData(database.url, SCALE_ORDERS, log);
    log(`scale: generated in ${((performance.now() - generating) / 1000).toFixed(0)} s`);
  } else if (present !== SCALE_ORDERS) {
    throw new Error(`${keptDirName()} holds ${present} orders, not BENCH_SCALE=${SCALE_ORDERS}`);
  } else {
    log(`scale: measuring the ${present.toLocaleString('en-US')} orders kept in ${keptDirName()}`);
  }
  if (process.env.BENCH_SCALE_GENERATE_ONLY !== '1') {
    const measurement = await measureScale(database.url, SCALE_ORDERS, log);
    printReport({ ...measurement, notes: measurement.notes ?? [], durationMs: performance.now() - started });
  }
} catch (error) {
  console.error('[bench] failed:', error);
  failed = true;
} finally {
  await database.stop();
}
process.exit(failed ? 1 : 0);

function keptDirName(): string {
  return process.env.BENCH_SCALE_DIR ?? 'the bench database';
}
