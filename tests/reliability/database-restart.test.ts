// A restart of PostgreSQL under a running shop: the shop process stays up, answers 503 (and the
// bank's notification {"Status":"F"}) while the database is away, and serves again within seconds
// of its return, with no restart of its own. The database is the test's own embedded server, so
// stopping it disturbs no other test file.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { JOB_SCHEMA } from '../../src/jobs/job-queue';
import { createDatabaseIfMissing, databaseUrl } from '../../src/db/databases';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres';
import { freePort } from '../../scripts/free-port';
import { NOTIFY_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { Shopper } from '../support/shop-app';
import { startShopProcess, type ShopProcess } from '../support/shop-process';

const dataDir = `.data/test-restart-${process.pid}-${randomBytes(3).toString('hex')}`;
let port: number;
let postgres: RunningPostgres | undefined;
let shop: ShopProcess | undefined;

const startPostgres = () => startEmbeddedPostgres({ dataDir, port });

beforeAll(async () => {
  port = await freePort();
  postgres = await startPostgres();
  await createDatabaseIfMissing(postgres.urlFor('postgres'), 'shop');
  shop = await startShopProcess({
    DATABASE_URL: databaseUrl(postgres.urlFor('postgres'), 'shop'),
    PORT: '0',
    SANDBOX_PORT: '0',
    LOG_LEVEL: 'warn',
    JOBS_EVERY_SECONDS: '5',
  });
}, 120_000);

afterAll(async () => {
  await shop?.stop();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

const notify = (baseUrl: string) =>
  fetch(new URL(NOTIFY_PATH, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: randomBytes(32).toString('hex') }),
  });

it('the shop survives a database restart: 503 while it is down, serving again within seconds of its return', async () => {
  const running = shop!;
  // A shopper with a session, so that the session store's pool holds connections too.
  const shopper = new Shopper(running.baseUrl);
  const product = (await (await fetch(new URL('/', running.baseUrl))).text()).match(/\/products\/(\d+)/)?.[1];
  await shopper.addToCart(Number(product), 1);
  expect((await shopper.agent.get('/cart')).status).toBe(200);

  await postgres!.stop();
  // Idle connections of every pool are cut now; the pages below go through those pools.
  const page = await fetch(new URL('/', running.baseUrl));
  expect(page.status).toBe(503);
  expect(await page.text()).toContain('data-testid="error-message"');
  const cart = await shopper.agent.get('/cart');
  expect(cart.status).toBe(503);
  const notification = await notify(running.baseUrl);
  expect([notification.status, await notification.text()]).toEqual([503, '{"Status":"F"}']);
  expect(running.running(), running.output()).toBe(true);

  postgres = await startPostgres();
  const back = Date.now();
  // "Within seconds": the bound is generous for a loaded machine.
  await vi.waitFor(async () => expect((await fetch(new URL('/', running.baseUrl))).status).toBe(200), { timeout: 20_000, interval: 200 });
  expect((await shopper.agent.get('/cart')).status).toBe(200);
  expect((await notify(running.baseUrl)).status).toBe(200);
  // The job queue's pool came back too: a bank check pass completes after the return.
  const jobs = new pg.Client({ connectionString: databaseUrl(postgres.urlFor('postgres'), 'shop') });
  await jobs.connect();
  try {
    const completedSince = async () =>
      (await jobs.query(`SELECT count(*)::int AS n FROM ${JOB_SCHEMA}.job WHERE name = 'bank-check' AND state = 'completed' AND completed_on > $1`, [new Date(back)])).rows[0].n as number;
    await vi.waitFor(async () => expect(await completedSince()).toBeGreaterThan(0), { timeout: 20_000, interval: 500 });
  } finally {
    await jobs.end();
  }
  expect(running.running(), running.output()).toBe(true);
  expect(running.output()).not.toMatch(/Unhandled|uncaught/i);
}, 120_000);
