// The rate limits' counts in PostgreSQL, counted exactly or in batches, by two stores on one
// database standing for two processes of the shop.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Options } from 'express-rate-limit';
import { BatchedRateLimitStore, PostgresRateLimitStore } from '../../src/web/rate-limit-store';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase();
});
afterAll(() => testDb.drop());

const options = (windowMs: number) => ({ windowMs }) as Options;
const stored = async (key: string) => (await testDb.db.rateLimitCounter.findUnique({ where: { key } }))?.hits;

describe('the batched count', () => {
  it('lets two processes together let through at most a batch each past the limit, and counts every request', async () => {
    const batch = 10;
    const limit = 200;
    const processes = [0, 1].map(() => {
      const store = new BatchedRateLimitStore(new PostgresRateLimitStore(testDb.db, 'two:'), batch);
      store.init(options(60_000));
      return store;
    });

    const reported: number[] = [];
    for (let i = 0; i < 500; i++) reported.push((await processes[i % 2]!.increment('198.51.100.7')).totalHits);

    // What each process reports lags behind what the other has not sent yet, and never runs ahead.
    reported.forEach((hits, i) => expect(hits).toBeLessThanOrEqual(i + 1));
    const admitted = reported.filter((hits) => hits <= limit).length;
    expect(admitted).toBeGreaterThanOrEqual(limit);
    expect(admitted).toBeLessThanOrEqual(limit + 2 * (batch - 1));
    const shared = await stored('two:198.51.100.7');
    expect(shared).toBeGreaterThan(500 - 2 * batch);
    expect(shared).toBeLessThanOrEqual(500);
  });

  it('keeps the count of requests made while a batch is on its way', async () => {
    const store = new BatchedRateLimitStore(new PostgresRateLimitStore(testDb.db, 'together:'), 5);
    store.init(options(60_000));

    const all = await Promise.all(Array.from({ length: 40 }, () => store.increment('198.51.100.8')));
    const after = await store.increment('198.51.100.8');

    expect(Math.max(...all.map((info) => info.totalHits))).toBeLessThanOrEqual(40);
    expect(after.totalHits).toBe(41);
  });

  it('starts again at one when the window is over, carrying nothing of the last', async () => {
    const store = new BatchedRateLimitStore(new PostgresRateLimitStore(testDb.db, 'window:'), 10);
    store.init(options(300));
    for (let i = 0; i < 7; i++) await store.increment('198.51.100.9');

    // The window is over when both the database's clock and this process's have passed its end.
    const windowOver = async () => {
      const [row] = await testDb.db.$queryRaw<Array<{ over: boolean; resetAt: Date }>>`
        SELECT "resetAt" <= (now() AT TIME ZONE 'UTC') AS over, "resetAt" FROM "RateLimitCounter" WHERE key = 'window:198.51.100.9'`;
      return row!.over && row!.resetAt.getTime() <= Date.now();
    };
    await vi.waitFor(async () => expect(await windowOver()).toBe(true), { timeout: 5_000, interval: 20 });
    const next = await store.increment('198.51.100.9');

    expect(next.totalHits).toBe(1);
    expect(await stored('window:198.51.100.9')).toBe(1);
  });
});

describe('counting against several budgets at once', () => {
  it('counts each key in one statement, answers in the order asked, and takes one back from each', async () => {
    const store = new PostgresRateLimitStore(testDb.db, 'each:');
    store.init(options(60_000));
    await store.increment('shop');
    await store.increment('shop');

    const counts = await store.addEach(['address:198.51.100.10', 'shop']);
    expect(counts.map((info) => info.totalHits)).toEqual([1, 3]);

    // Many at once over the same two keys, in both orders: none deadlocks, none is lost.
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.addEach(i % 2 ? ['shop', 'address:198.51.100.10'] : ['address:198.51.100.10', 'shop'])));
    expect(await stored('each:shop')).toBe(33);
    expect(await stored('each:address:198.51.100.10')).toBe(31);

    // Taken back and counted at once, in both orders: none deadlocks, and no count goes below zero.
    await Promise.all([
      ...Array.from({ length: 10 }, () => store.takeBack(['shop', 'address:198.51.100.10'])),
      ...Array.from({ length: 10 }, () => store.takeBack(['shop'])),
      ...Array.from({ length: 10 }, () => store.addEach(['address:198.51.100.10', 'shop'])),
    ]);
    expect(await stored('each:shop')).toBe(33 - 20 + 10);
    expect(await stored('each:address:198.51.100.10')).toBe(31 - 10 + 10);
    await Promise.all(Array.from({ length: 30 }, () => store.takeBack(['shop'])));
    expect(await stored('each:shop')).toBe(0);
  });
});
