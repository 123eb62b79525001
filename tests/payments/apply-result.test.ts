import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../../src/db/prisma';
import type { PaymentStatus } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { applyBankResult, type BankOutcome, type ApplyDependencies } from '../../src/payments/apply-result';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let testDb: TestDatabase;
let db: Database;
let deps: ApplyDependencies;
const NOW = new Date('2026-03-01T02:00:00Z');
const PAY_DATE = new Date('2026-03-01T01:58:00Z');

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  deps = { db, clock: () => NOW, logger: createLogger('silent') };
});
afterAll(() => testDb.drop());

async function pendingCardOrder(options: { stock?: number; quantity?: number; status?: PaymentStatus } = {}) {
  const product = await createProduct(db, { priceTwd: 450, stock: options.stock ?? 10 });
  // Reserved as checkout does: the stock a test sees after placing is what the order holds.
  const order = await createOrder(db, { lines: [{ product, quantity: options.quantity ?? 2 }], payType: 'card', reserve: true });
  const payment = await createPayment(db, order, options.status ?? 'pending');
  return { product, order, payment };
}

const paid: BankOutcome = { kind: 'paid', payDate: PAY_DATE, tsNo: 'TS0001', cardLast4: '3145' };

describe('the state machine', () => {
  // What applying each bank outcome does from each status: applied, already there, or refused.
  const expected: Record<PaymentStatus, [string, string, string, string]> = {
    //             paid        failed      expired     cancelled
    creating:      ['applied', 'refused', 'refused', 'refused'],
    create_failed: ['applied', 'applied', 'applied', 'refused'],
    pending:       ['applied', 'applied', 'applied', 'applied'],
    paid:          ['already_applied', 'refused', 'refused', 'refused'],
    failed:        ['applied', 'already_applied', 'refused', 'refused'],
    expired:       ['applied', 'refused', 'already_applied', 'refused'],
    refunded:      ['refused', 'refused', 'refused', 'refused'],
    cancelled:     ['refused', 'refused', 'refused', 'already_applied'],
  };
  const outcomes: BankOutcome[] = [paid, { kind: 'failed', code: 'E2701' }, { kind: 'expired' }, { kind: 'cancelled' }];

  for (const [from, results] of Object.entries(expected) as [PaymentStatus, string[]][]) {
    outcomes.forEach((outcome, i) => {
      it(`${outcome.kind} on a ${from} attempt is ${results[i]}`, async () => {
        const { payment } = await pendingCardOrder({ status: from });
        const result = await applyBankResult(deps, { paymentId: payment.id, outcome, source: 'admin' });
        expect(result.kind).toBe(results[i]);
        const after = await db.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { events: true } });
        expect(after.status).toBe(result.kind === 'applied' ? outcome.kind : from);
        const events = after.events.map((e) => ({ from: e.fromStatus, to: e.toStatus, applied: e.applied }));
        if (result.kind === 'already_applied') expect(events).toEqual([]);
        else expect(events).toEqual([{ from, to: outcome.kind, applied: result.kind === 'applied' }]);
      });
    });
  }
});

describe('settling a paid result', () => {
  it('marks the attempt and the order paid, and leaves the stock the order reserved when placed', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 3 });

    const result = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend', payToken: 'tok-1' });

    expect(result).toEqual({ kind: 'applied', from: 'pending', to: 'paid', orderId: order.id });
    const after = await db.payment.findUniqueOrThrow({ where: { id: payment.id } });
    expect(after).toMatchObject({ status: 'paid', payDate: PAY_DATE, cardLast4: '3145', tsNo: 'TS0001', payToken: 'tok-1' });
    // Booked once, at the bank's pay date, for the daily settlement.
    expect(await db.moneyMovement.findMany({ where: { paymentId: payment.id }, select: { kind: true, amount: true, occurredAt: true } }))
      .toEqual([{ kind: 'payment', amount: payment.amount, occurredAt: PAY_DATE }]);
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'paid', paidAt: PAY_DATE });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(7);
    const events = await db.paymentEvent.findMany({ where: { paymentId: payment.id } });
    expect(events).toMatchObject([{ fromStatus: 'pending', toStatus: 'paid', applied: true, payToken: 'tok-1' }]);
  });

  it('applies it once when it arrives again', async () => {
    const { product, payment } = await pendingCardOrder({ stock: 10, quantity: 2 });

    const first = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });
    const second = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'return' });

    expect([first.kind, second.kind]).toEqual(['applied', 'already_applied']);
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(8);
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(1);
  });

  it('applies it once when two processes settle the same attempt at the same moment', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 2 });
    const other = createDatabase(testDb.url);
    try {
      const otherDeps = { ...deps, db: other };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          applyBankResult(i % 2 === 0 ? deps : otherDeps, { paymentId: payment.id, outcome: paid, source: i % 2 === 0 ? 'backend' : 'return' }),
        ),
      );
      expect(results.filter((r) => r.kind === 'applied')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'already_applied')).toHaveLength(9);
    } finally {
      await other.$disconnect();
    }
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(8);
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(1);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
  });

  it('changes neither the order nor the stock when a second attempt of an already paid order is paid too', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 1 });
    const second = await createPayment(db, order, 'pending');

    await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });
    const result = await applyBankResult(deps, {
      paymentId: second.id,
      outcome: { kind: 'paid', payDate: new Date(PAY_DATE.getTime() + 60_000) },
      source: 'backend',
    });

    expect(result.kind).toBe('applied');
    expect((await db.payment.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('paid');
    expect(await db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'paid', paidAt: PAY_DATE });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(9);
  });

  it('pays an attempt whose OrderCreate timed out when the bank later says it was paid', async () => {
    const { order, payment } = await pendingCardOrder({ status: 'create_failed' });

    const result = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'bank_check' });

    expect(result.kind).toBe('applied');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
  });
});

describe('settling a failed result', () => {
  it('keeps the bank’s reason and leaves the order awaiting payment', async () => {
    const { order, payment } = await pendingCardOrder();

    await applyBankResult(deps, {
      paymentId: payment.id,
      outcome: { kind: 'failed', code: 'E2701', description: 'E2701 – 授權失敗' },
      source: 'return',
    });

    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: 'failed', failureCode: 'E2701', failureReason: 'E2701 – 授權失敗',
    });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('awaiting_payment');
  });

  it('arriving late, does not turn a paid order unpaid and is recorded as refused', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 5, quantity: 1 });
    await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });

    const result = await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'failed' }, source: 'backend', payToken: 'late' });

    expect(result).toMatchObject({ kind: 'refused', from: 'paid', to: 'failed' });
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('paid');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(4);
    const refused = await db.paymentEvent.findMany({ where: { paymentId: payment.id, applied: false } });
    expect(refused).toMatchObject([{ fromStatus: 'paid', toStatus: 'failed', payToken: 'late' }]);
  });
});

describe('settling refunds', () => {
  it('tracks a partial refund, then a full one', async () => {
    const { order, payment } = await pendingCardOrder({ quantity: 2 }); // NT$900 = 90000
    await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });

    const part = await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'refunded', amount: 30000 }, source: 'admin' });
    expect(part).toMatchObject({ kind: 'applied', from: 'paid', to: 'paid' });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: 'paid', refundedAmount: 30000 });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('partially_refunded');

    const rest = await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'refunded', amount: 60000 }, source: 'admin' });
    expect(rest).toMatchObject({ kind: 'applied', from: 'paid', to: 'refunded' });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: 'refunded', refundedAmount: 90000 });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('refunded');
  });

  it('refuses to refund more than was paid', async () => {
    const { payment } = await pendingCardOrder({ quantity: 1 }); // 45000
    await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });

    const result = await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'refunded', amount: 45100 }, source: 'admin' });

    expect(result.kind).toBe('refused');
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: 'paid', refundedAmount: 0 });
  });
});

describe('settling an attempt that ended unpaid', () => {
  it('expires the order and gives its stock back once, however often and from wherever it is settled', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 3 });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(7);
    const other = createDatabase(testDb.url);
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          applyBankResult({ ...deps, db: i % 2 === 0 ? db : other }, { paymentId: payment.id, outcome: { kind: 'expired' }, source: i % 2 === 0 ? 'bank_check' : 'expiry' }),
        ),
      );
      expect(results.map((r) => r.kind).sort()).toEqual(['already_applied', 'already_applied', 'already_applied', 'already_applied', 'already_applied', 'applied']);
    } finally {
      await other.$disconnect();
    }

    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('expired');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(10);
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id, toStatus: 'expired', applied: true } })).toBe(1);
  });

  it('keeps the order and its stock while another attempt of it can still be paid', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 1 });
    await createPayment(db, order, 'pending');

    await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'expired' }, source: 'bank_check' });

    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('awaiting_payment');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(9);
  });

  it('keeps the order and its stock when a card is declined, for the shopper to try another', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 1 });

    await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'failed', code: 'E2701' }, source: 'return' });

    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('awaiting_payment');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(9);
  });

  it('pays an expired order when its money arrives late, taking its stock back', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 10, quantity: 2 });
    await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'expired' }, source: 'expiry' });
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(10);

    const late = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });

    expect(late).toMatchObject({ kind: 'applied', from: 'expired', to: 'paid' });
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(8);
  });

  it('still pays an expired order whose stock sold meanwhile, taking what is left and never going below zero', async () => {
    const { product, order, payment } = await pendingCardOrder({ stock: 3, quantity: 2 });
    await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'expired' }, source: 'expiry' });
    await db.product.update({ where: { id: product.id }, data: { stock: 1 } });

    const late = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });

    expect(late.kind).toBe('applied');
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(0);
  });
});

describe('the database behind settle', () => {
  it('answers already_applied, without crashing or a second row, when a unique index finds the change already made', async () => {
    const { payment } = await pendingCardOrder();
    // Another writer's row for this very transition, as if it had got past the row lock.
    await db.paymentEvent.create({ data: { paymentId: payment.id, fromStatus: 'pending', toStatus: 'paid', applied: true, reason: 'elsewhere' } });

    const result = await applyBankResult(deps, { paymentId: payment.id, outcome: paid, source: 'backend' });

    expect(result).toMatchObject({ kind: 'already_applied' });
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id, toStatus: 'paid', applied: true } })).toBe(1);
  });
});
