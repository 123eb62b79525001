// The day the shop books a money movement on is the day it happened, written once: a later change
// to the attempt or the refund (a re-check with the bank, a partial refund, the bank's words added
// to a refund) never moves an earlier booking to another day.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { applyRefundAnswer } from '../../src/payments/refund-outcome';
import { applyBankResult, type ApplyDependencies } from '../../src/payments/apply-result';
import { addDays, taipeiDayBounds } from '../../src/settlement/bank-dates';
import { loadShopBookings } from '../../src/settlement/shop-bookings';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const DAY = '20260301';
const HOUR = 3_600_000;
let testDb: TestDatabase;
let now: Date;
let deps: ApplyDependencies;

beforeAll(async () => {
  testDb = await createTestDatabase();
  deps = { db: testDb.db, clock: () => now, logger: createLogger('silent') };
});
afterAll(() => testDb.drop());

const at = (day: string, hours: number) => new Date(taipeiDayBounds(day).start.getTime() + hours * HOUR);

async function refund(paymentId: string, amount: number) {
  const row = await testDb.db.refund.create({
    data: { paymentId, kind: 'refund', amount, idempotencyKey: `${paymentId}-${amount}-${now.getTime()}`, createdBy: 'test' },
  });
  const outcome = await applyRefundAnswer(deps, row, { amount, description: '2C900 done' }, 'admin');
  expect(outcome.kind).toBe('succeeded');
  return row;
}

it('books a payment without a bank pay date, and each partial refund, on its own day however the rows change later', async () => {
  const product = await createProduct(testDb.db, { priceTwd: 1_000, stock: 5 });
  const order = await createOrder(testDb.db, { lines: [{ product, quantity: 1 }], payType: 'card', reserve: true });
  const payment = await createPayment(testDb.db, order, 'pending');

  // Paid at 10:00 on DAY; the bank's answer named no pay date, so the shop's apply time stands.
  now = at(DAY, 10);
  expect((await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'paid' }, source: 'bank_check' })).kind).toBe('applied');
  // The next day: a partial refund, then a re-check with the bank that touches the attempt's row.
  now = at(addDays(DAY, 1), 9);
  const first = await refund(payment.id, 30_000);
  await testDb.db.payment.update({ where: { id: payment.id }, data: { lastBankCheckAt: now, bankChecks: { increment: 1 } } });
  // The day after: another partial refund, and the bank's words written onto the first one.
  now = at(addDays(DAY, 2), 15);
  const second = await refund(payment.id, 20_000);
  await testDb.db.refund.update({ where: { id: first.id }, data: { bankDescription: 'checked again' } });

  const booked = async (day: string) => {
    const bookings = await loadShopBookings(testDb.db, day, []);
    return {
      payments: bookings.payments.map((p) => [p.paymentId, p.bookedDay]),
      refunds: bookings.refunds.map((r) => [r.refundId, r.amount, r.bookedDay]),
    };
  };
  expect(await booked(DAY)).toEqual({ payments: [[payment.id, DAY]], refunds: [] });
  expect(await booked(addDays(DAY, 1))).toEqual({ payments: [], refunds: [[first.id, 30_000, addDays(DAY, 1)]] });
  expect(await booked(addDays(DAY, 2))).toEqual({ payments: [], refunds: [[second.id, 20_000, addDays(DAY, 2)]] });
  // A line of the bank naming the order finds it on its own day from any other day.
  const named = await loadShopBookings(testDb.db, addDays(DAY, 2), [payment.orderNo]);
  expect(named.payments.map((p) => p.bookedDay)).toEqual([DAY]);

  // Each movement is written once: applying a refund's answer again books nothing more.
  await applyRefundAnswer(deps, second, { amount: 20_000, description: '2C900 done' }, 'bank_check');
  expect(await testDb.db.moneyMovement.count({ where: { paymentId: payment.id } })).toBe(3);
});

it('records each money movement once, by the database', async () => {
  const product = await createProduct(testDb.db, { priceTwd: 500, stock: 5 });
  const order = await createOrder(testDb.db, { lines: [{ product, quantity: 1 }], payType: 'card', reserve: true });
  const payment = await createPayment(testDb.db, order, 'paid');
  await testDb.db.moneyMovement.create({ data: { kind: 'payment', paymentId: payment.id, amount: payment.amount, occurredAt: now } });
  await expect(
    testDb.db.moneyMovement.create({ data: { kind: 'payment', paymentId: payment.id, amount: payment.amount, occurredAt: now } }),
  ).rejects.toThrow();
  await expect(testDb.db.moneyMovement.create({ data: { kind: 'refund', paymentId: payment.id, amount: 100, occurredAt: now } })).rejects.toThrow();
});
