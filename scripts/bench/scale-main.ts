// `npm run bench:scale`: only the scale section (scale.ts) on a throwaway PostgreSQL, printed;
// BENCHMARKS.md is left alone. BENCH_SCALE sets the number of orders.
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { seedProducts } from '../../src/catalog/seed';
import { createDatabase } from '../../src/db/prisma';
import { startBenchDatabase } from './database';
import { printReport } from './report';
import { measureScale, SCALE_ORDERS } from './scale';

const runDir = fileURLToPath(new URL(`../../.data/bench-scale-${process.pid}`, import.meta.url));
const started = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

mkdirSync(runDir, { recursive: true });
const database = await startBenchDatabase(`${runDir}/postgres`, log);
let failed = false;
try {
  const db = createDatabase(database.scaleUrl);
  await seedProducts(db);
  await db.$disconnect();
  const measurement = await measureScale(database.scaleUrl, SCALE_ORDERS, log);
  printReport({ ...measurement, notes: measurement.notes ?? [], durationMs: performance.now() - started });
} catch (error) {
  console.error('[bench] failed:', error);
  failed = true;
} finally {
  await database.stop();
  rmSync(runDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
