// Three shop processes on one PostgreSQL, as behind a load balancer: a rate limit holds for the
// three together, each scheduled job runs once per slot on one of them, and each answers /readyz
// and (from loopback, or with the token) /metrics.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JOB_SCHEMA } from '../../src/jobs/job-queue';
import { startSandbox, DEMO_SHOP, silentLogger, type RunningSandbox } from 'sinopac-sandbox';
import { createProduct } from '../support/shop-fixtures';
import { sandboxBankEnv, startShopProcess, type ShopProcess } from '../support/shop-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const METRICS_TOKEN = 'several-machines-metrics-token-0123456789';
const CART_LIMIT = 120;
let testDb: TestDatabase;
let sandbox: RunningSandbox;
let shops: ShopProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  sandbox = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
  await createProduct(testDb.db, { priceTwd: 100, stock: 5 });
  const env = {
    DATABASE_URL: testDb.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...sandboxBankEnv(sandbox.apiUrl),
    JOBS_EVERY_SECONDS: '5',
    METRICS_TOKEN,
  };
  shops = await Promise.all([startShopProcess(env), startShopProcess(env), startShopProcess(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(shops.map((shop) => shop.stop()));
  await sandbox?.close();
  await testDb?.drop();
}, 60_000);

/** A cart change from one client address, without a session: counted by the limit, then refused by CSRF. */
const cartPost = (shop: ShopProcess, from: string) =>
  fetch(new URL('/cart/items', shop.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
    body: 'productId=1&quantity=1',
  }).then((response) => response.status);

async function metricsOf(shop: ShopProcess, headers: Record<string, string> = {}) {
  const response = await fetch(new URL('/metrics', shop.baseUrl), { headers });
  return { status: response.status, text: await response.text() };
}

/** The sum of one counter's samples whose labels include `labels`. */
function sumOf(metricsText: string, name: string, labels: string): number {
  return metricsText
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe('three shop processes on one database', () => {
  it(`hold one cart limit of ${CART_LIMIT} a minute per address between them`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < CART_LIMIT; i++) statuses.push(await cartPost(shops[i % 3]!, '203.0.113.77'));

    expect(statuses.every((status) => status === 403)).toBe(true);
    expect(await Promise.all(shops.map((shop) => cartPost(shop, '203.0.113.77')))).toEqual([429, 429, 429]);
    // Another address has its own count.
    expect(await cartPost(shops[0]!, '203.0.113.78')).toBe(403);
  });

  it('run each scheduled job once per slot, on one of them', { timeout: 60_000 }, async () => {
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      const completed = async () =>
        (await client.query<{ slot: string; runs: number }>(
          `SELECT singleton_on::text AS slot, count(*)::int AS runs FROM ${JOB_SCHEMA}.job WHERE name = 'bank-check' AND state = 'completed' GROUP BY 1`,
        )).rows;
      await vi.waitFor(async () => expect((await completed()).length).toBeGreaterThanOrEqual(3), { timeout: 40_000, interval: 1_000 });

      const slots = await completed();
      expect(slots.length).toBeGreaterThanOrEqual(3);
      expect(slots.every((slot) => slot.runs === 1)).toBe(true);
      // Every completed run was one process's run, and no process ran one the others also ran. (A
      // run counted just now may not be marked completed yet: active ones count as well.)
      const runs = await Promise.all(shops.map(async (shop) => sumOf((await metricsOf(shop)).text, 'fengshou_job_runs_total', 'job="bank-check",outcome="ok"')));
      const jobsNow = (await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${JOB_SCHEMA}.job WHERE name = 'bank-check' AND state IN ('active', 'completed')`,
      )).rows[0]!.n;
      expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(slots.length);
      expect(runs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(jobsNow);
    } finally {
      await client.end();
    }
  });

  it('are each ready, and say not ready while a migration is missing', async () => {
    for (const shop of shops) expect(await (await fetch(new URL('/readyz', shop.baseUrl))).json()).toEqual({ status: 'ready' });

    await testDb.db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations)`;
    try {
      const response = await fetch(new URL('/readyz', shops[1]!.baseUrl));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'not ready', reason: expect.stringMatching(/migrations not applied/) });
    } finally {
      await testDb.db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL`;
    }
  });

  it('serve /metrics to loopback and to the token holder, to nobody else', async () => {
    const local = await metricsOf(shops[0]!);
    expect(local.status).toBe(200);
    expect(local.text).toContain('fengshou_callbacks_total');
    expect(local.text).toContain('fengshou_bank_call_seconds');
    expect((await metricsOf(shops[0]!, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(404);
    expect((await metricsOf(shops[0]!, { 'x-forwarded-for': '198.51.100.1', authorization: 'Bearer wrong' })).status).toBe(404);
    expect((await metricsOf(shops[0]!, { 'x-forwarded-for': '198.51.100.1', authorization: `Bearer ${METRICS_TOKEN}` })).status).toBe(200);
  });
});
