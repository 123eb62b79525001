// OrderCreate's answer applied in one statement (applyCreated): the same result as applyBankResult's
// own path for it, once however many apply it at the same moment, and refused and recorded when
// the attempt is no longer waiting for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/prisma';
import type { PaymentStatus, PayType } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { applyCreated, type ApplyDependencies, type CreatedAttempt } from '../../src/payments/apply-result';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let testDb: TestDatabase;
let db: Database;
let deps: ApplyDependencies;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  deps = { db, clock: () => new Date(), logger: createLogger('silent') };
});
afterAll(() => testDb.drop());

async function attempt(payType: PayType, status: PaymentStatus = 'creating') {
  const product = await createProduct(db, { priceTwd: 450, stock: 10 });
  // Placed by card: an ATM attempt is then the order's switch to ATM, as the order's method shows.
  const order = await createOrder(db, { lines: [{ product, quantity: 2 }], payType: 'card', reserve: true });
  const payment = await db.payment.update({ where: { id: (await createPayment(db, order, status)).id }, data: { payType } });
  return { order, payment };
}

const card: CreatedAttempt = { tsNo: 'TS0001', cardPayUrl: 'https://bank.example/pay/1' };
const atm: CreatedAttempt = { tsNo: 'TS0002', atmPayNo: '12345678901234', atmBankCode: '807', webAtmUrl: null, atmDeadline: new Date('2026-03-04T15:59:59Z') };

const mailsOf = (orderId: string) => db.mailOutbox.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });

describe('applying OrderCreate’s answer', () => {
  it('opens a card attempt, records the change and owes the confirmation once the card link has run out', async () => {
    const { order, payment } = await attempt('card');
    const before = Date.now();
    const result = await applyCreated(deps, { paymentId: payment.id, created: card, cardLinkMinutes: 20 });

    const stored = await db.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { events: true } });
    expect(result).toEqual({ kind: 'applied', payment: { ...stored, events: undefined } });
    expect(stored).toMatchObject({ status: 'pending', tsNo: 'TS0001', cardPayUrl: card.cardPayUrl, atmPayNo: null });
    expect(stored.events.map((e) => [e.fromStatus, e.toStatus, e.applied, e.reason])).toEqual([['creating', 'pending', true, 'created (checkout)']]);
    const [mail, ...others] = await mailsOf(order.id);
    expect(others).toEqual([]);
    expect(mail).toMatchObject({ kind: 'order_placed', paymentId: payment.id });
    // Held for the card link's 20 minutes and one more (the timestamps are UTC wall time).
    expect(mail!.nextAttemptAt.getTime() - before).toBeGreaterThanOrEqual(20 * 60_000);
    expect(mail!.nextAttemptAt.getTime() - before).toBeLessThan(22 * 60_000);
  });

  it('stores the ATM account, makes ATM the order’s method, and mails a later account of the same order as reissued', async () => {
    const { order, payment } = await attempt('atm');
    await applyCreated(deps, { paymentId: payment.id, created: atm, cardLinkMinutes: 20 });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: 'pending', atmPayNo: atm.atmPayNo, atmBankCode: '807', atmDeadline: atm.atmDeadline });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).payType).toBe('atm');

    const second = await db.payment.update({ where: { id: (await createPayment(db, order, 'creating')).id }, data: { payType: 'atm' } });
    await applyCreated(deps, { paymentId: second.id, created: { ...atm, tsNo: 'TS0003', atmPayNo: '99998888777766' } });
    const mails = await mailsOf(order.id);
    expect(mails.map((mail) => [mail.kind, mail.paymentId])).toEqual([['order_placed', payment.id], ['atm_account_reissued', second.id]]);
    // Not held: the account is needed at once.
    expect(mails[0]!.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('applies it once when many apply it at the same moment, from two processes', async () => {
    const { order, payment } = await attempt('card');
    const other = createDatabase(testDb.url);
    try {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => applyCreated(i % 2 === 0 ? deps : { ...deps, db: other }, { paymentId: payment.id, created: card })),
      );
      expect(results.filter((r) => r.kind === 'applied')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'already_applied')).toHaveLength(7);
    } finally {
      await other.$disconnect();
    }
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(1);
    expect(await db.mailOutbox.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('refuses and records an answer that comes after the bank check gave the attempt up', async () => {
    const { order, payment } = await attempt('card', 'create_failed');
    const result = await applyCreated(deps, { paymentId: payment.id, created: card });

    expect(result).toMatchObject({ kind: 'refused', from: 'create_failed', to: 'pending' });
    const stored = await db.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { events: true } });
    expect(stored).toMatchObject({ status: 'create_failed', cardPayUrl: null, tsNo: null });
    expect(stored.events.map((e) => [e.fromStatus, e.toStatus, e.applied])).toEqual([['create_failed', 'pending', false]]);
    expect(await mailsOf(order.id)).toEqual([]);
  });
});
