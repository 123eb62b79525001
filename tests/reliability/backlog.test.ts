// A backlog of overdue ATM accounts drained in one run of the job, pass after pass of at most
// ATTEMPTS_PER_PASS, at the bank's allowed rate: the rate's clock is driven by the test (no sleeps).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PaceClock } from '../../src/jobs/bank-pace';
import { ATTEMPTS_PER_PASS } from '../../src/jobs/pass-report';
import { paymentJobs } from '../../src/jobs/payment-jobs';
import { createLogger } from '../../src/logger';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { startShopHarness, type ShopHarness } from '../support/shop-harness';

let shop: ShopHarness;
beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());

it('expires a backlog of overdue ATM accounts in one run, never asking the bank faster than allowed', async () => {
  const backlog = ATTEMPTS_PER_PASS * 2 + 20;
  const product = await createProduct(shop.db, { priceTwd: 500, stock: 1 });
  const payments = [];
  for (let i = 0; i < backlog; i++) {
    const order = await createOrder(shop.db, { lines: [{ product, quantity: 1 }], payType: 'atm' });
    const payment = await createPayment(shop.db, order);
    payments.push(await shop.db.payment.update({ where: { id: payment.id }, data: { atmDeadline: new Date('2026-01-01T00:00:00Z') } }));
  }
  let now = 0;
  const askedAt: number[] = [];
  const clock: PaceClock = { now: () => now, wait: async (ms) => void (now += ms) };
  const deps = { db: shop.db, sinopac: shop.attemptDeps.sinopac, logger: createLogger('silent'), clock: () => new Date('2026-02-01T00:00:00Z') };
  const settings = { bankCheckAfterMinutes: 15, atmExpiryGraceMinutes: 60, cardExpMinutes: 10, stockHoldMinutes: 30, maxBankQueriesPerSecond: 10 };
  // The time a question may start, recorded as the clock moves to it: several questions are in flight at once.
  const pacedClock: PaceClock = { now: clock.now, wait: async (ms) => { now += ms; askedAt.push(now); } };

  const expireAtm = paymentJobs(deps, settings, pacedClock).find((job) => job.name === 'expire-atm')!;
  await expireAtm.run();

  const ids = payments.map((payment) => payment.id);
  expect(await shop.db.payment.count({ where: { id: { in: ids }, status: 'expired' } })).toBe(backlog);
  await shop.audit.flush();
  expect(await shop.db.gatewayExchange.count({ where: { service: 'OrderQuery', orderNo: { in: payments.map((p) => p.orderNo) } } })).toBe(backlog);
  // 10 a second: the questions after the first were spaced 100 ms apart on the driven clock.
  expect(now).toBeGreaterThanOrEqual((backlog - 1) * 100 - 1e-6);
  for (let i = 10; i < askedAt.length; i++) expect(askedAt[i]! - askedAt[i - 10]!).toBeGreaterThanOrEqual(1000 - 1e-6);
});
