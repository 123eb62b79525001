// What the database itself refuses (migration payment_guarantees), whatever the code above it does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/prisma';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(() => testDb.drop());

async function paidAttempt() {
  const product = await createProduct(db, { priceTwd: 500, stock: 5 });
  const order = await createOrder(db, { lines: [{ product, quantity: 1 }], payType: 'card' });
  return { product, payment: await createPayment(db, order, 'paid') };
}

const uniqueViolation = { code: 'P2002' };

describe('the database', () => {
  it('keeps at most one applied row per PayToken, and any number of others', async () => {
    const token = `tok-${Date.now()}`;
    const row = (outcome: string) => db.payToken.create({ data: { token, source: 'backend', rawBody: '{}', outcome } });
    await row('applied');
    await row('already_applied');
    await row('already_applied');

    await expect(row('applied')).rejects.toMatchObject(uniqueViolation);
    expect(await db.payToken.count({ where: { token } })).toBe(3);
  });

  it('keeps at most one applied transition into each status per attempt, partial refunds and refusals aside', async () => {
    const { payment } = await paidAttempt();
    const event = (fromStatus: 'pending' | 'paid', toStatus: 'paid' | 'failed', applied: boolean) =>
      db.paymentEvent.create({ data: { paymentId: payment.id, fromStatus, toStatus, applied, reason: 'test' } });
    await event('pending', 'paid', true);
    await event('paid', 'paid', true);
    await event('paid', 'paid', true);
    await event('paid', 'failed', false);
    await event('paid', 'failed', false);

    await expect(event('pending', 'paid', true)).rejects.toMatchObject(uniqueViolation);
  });

  it('refuses a refunded amount below zero or above the amount paid', async () => {
    const { payment } = await paidAttempt();

    await expect(db.payment.update({ where: { id: payment.id }, data: { refundedAmount: payment.amount + 100 } })).rejects.toThrow(/Payment_refundedAmount_check/);
    await expect(db.payment.update({ where: { id: payment.id }, data: { refundedAmount: -100 } })).rejects.toThrow(/Payment_refundedAmount_check/);
    await db.payment.update({ where: { id: payment.id }, data: { refundedAmount: payment.amount } });
  });

  it('refuses stock below zero', async () => {
    const { product } = await paidAttempt();

    await expect(db.product.update({ where: { id: product.id }, data: { stock: { decrement: 6 } } })).rejects.toThrow(/Product_stock_check/);
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(5);
  });
});
