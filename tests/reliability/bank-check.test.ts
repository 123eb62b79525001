// The bank check and the ATM expiry, one pass at a time, against the sandbox and a test database,
// with the shop's clock moved forward instead of waiting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Payment } from '../../src/generated/prisma/client';
import { expireOverdueAtmPayments } from '../../src/jobs/expire-atm';
import type { AttemptReport } from '../../src/jobs/pass-report';
import { checkUndecidedAttempts } from '../../src/jobs/bank-check-job';
import { createLogger } from '../../src/logger';
import type { BankCheckDependencies } from '../../src/payments/bank-check';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie, hiddenField, placeOrder } from '../payments/payment-flow-helpers';

const SETTINGS = { bankCheckAfterMinutes: 15, atmExpiryGraceMinutes: 60, cardExpMinutes: 10 };
const MINUTE = 60_000;

let shop: ShopHarness;

beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());
beforeEach(() => void shop.sandbox.sandbox.control.setFaults({}));

const control = () => shop.sandbox.sandbox.control;
/** The jobs' dependencies with the clock at `at`. */
const at = (at: Date): BankCheckDependencies => ({ db: shop.db, sinopac: shop.attemptDeps.sinopac, logger: createLogger('silent'), clock: () => at });
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);
const reportFor = (reports: AttemptReport[], payment: Payment) => reports.find((r) => r.paymentId === payment.id);
const statusOf = async (payment: Payment) => (await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status;
const orderStatusOf = async (payment: Payment) => (await shop.db.order.findUniqueOrThrow({ where: { id: payment.orderId } })).status;
const stockOf = async (productId: number) => (await shop.db.product.findUniqueOrThrow({ where: { id: productId } })).stock;
async function orderQueriesAbout(payment: Payment) {
  await shop.audit.flush();
  return shop.db.gatewayExchange.count({ where: { service: 'OrderQuery', orderNo: payment.orderNo } });
}

/** Pays at the bank while every notification is lost: the shop never hears of it by itself. */
async function payWithEveryNotificationDropped(payment: Payment) {
  control().setOrderFaults({ orderNo: payment.orderNo }, { dropFirst: 5 });
  control().pay({ orderNo: payment.orderNo });
  await eventually(async () => control().deliveries({ orderNo: payment.orderNo }).filter((d) => d.outcome === 'dropped').length === 5);
}

describe('the bank check', () => {
  it('pays an ATM payment whose notifications were all dropped, once it is old enough to ask about', async () => {
    const { payment, product } = await placeOrder(shop, 'atm', { stock: 3 });
    await payWithEveryNotificationDropped(payment);
    expect(await statusOf(payment)).toBe('pending');

    const tooYoung = await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 10)), SETTINGS);
    expect(reportFor(tooYoung, payment)).toBeUndefined();
    const due = await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 16)), SETTINGS);

    expect(reportFor(due, payment)).toEqual({ paymentId: payment.id, check: 'status', applied: 'applied' });
    expect(await statusOf(payment)).toBe('paid');
    expect(await orderStatusOf(payment)).toBe('paid');
    expect(await stockOf(product.id)).toBe(2);
    const events = await shop.db.paymentEvent.findMany({ where: { paymentId: payment.id, toStatus: 'paid' } });
    expect(events).toMatchObject([{ fromStatus: 'pending', applied: true, reason: 'paid (bank_check)' }]);
    expect(await orderQueriesAbout(payment)).toBe(1);
  });

  it('pays a card payment whose notifications and return were all lost, with the card’s last digits', async () => {
    const { payment } = await placeOrder(shop, 'card');
    await payWithEveryNotificationDropped(payment);

    await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 16)), SETTINGS);

    expect(await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: 'paid', cardLast4: '3145' });
  });

  it('leaves an attempt the bank still waits on, and asks about it again only an hour later', async () => {
    const { payment } = await placeOrder(shop, 'atm');

    const first = await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 16)), SETTINGS);
    await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 32)), SETTINGS);
    await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 70)), SETTINGS);
    expect(await orderQueriesAbout(payment)).toBe(1);
    await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 77)), SETTINGS);

    expect(reportFor(first, payment)).toEqual({ paymentId: payment.id, check: 'status' });
    expect(await statusOf(payment)).toBe('pending');
    expect(await orderQueriesAbout(payment)).toBe(2);
  });

  it('records, and does not apply, a bank answer whose amount is not the attempt’s', async () => {
    const { payment } = await placeOrder(shop, 'atm');
    await payWithEveryNotificationDropped(payment);
    control().setOrderFaults({ orderNo: payment.orderNo }, { wrongAmount: 100 });

    const reports = await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 16)), SETTINGS);

    expect(reportFor(reports, payment)).toMatchObject({ check: 'mismatch' });
    expect(await statusOf(payment)).toBe('pending');
    const refused = await shop.db.paymentEvent.findMany({ where: { paymentId: payment.id, applied: false } });
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBe(`mismatch: Amount ${payment.amount + 100} is not ${payment.amount} (bank check)`);
  });

  it('expires an attempt the bank never created, which expires its order and releases its stock once', async () => {
    const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });
    const order = await createOrder(shop.db, { lines: [{ product, quantity: 2 }], payType: 'card', reserve: true });
    const payment = await createPayment(shop.db, order, 'create_failed');
    expect(await stockOf(product.id)).toBe(3);

    const reports = await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 16)), SETTINGS);
    await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 40)), SETTINGS);

    expect(reportFor(reports, payment)).toEqual({ paymentId: payment.id, check: 'not_at_bank', applied: 'applied' });
    expect(await statusOf(payment)).toBe('expired');
    expect(await orderStatusOf(payment)).toBe('expired');
    expect(await stockOf(product.id)).toBe(5);
  });

  it('gives up an attempt left "creating" by a process that stopped mid-call, freeing its order', async () => {
    const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });
    const order = await createOrder(shop.db, { lines: [{ product, quantity: 1 }], payType: 'card', reserve: true });
    const payment = await createPayment(shop.db, order, 'creating');

    await checkUndecidedAttempts(at(minutesAfter(payment.createdAt, 16)), SETTINGS);

    const events = await shop.db.paymentEvent.findMany({ where: { paymentId: payment.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.applied])).toEqual([
      ['creating', 'create_failed', true],
      ['create_failed', 'expired', true],
    ]);
    expect(await orderStatusOf(payment)).toBe('expired');
  });
});

describe('the ATM expiry', () => {
  it('expires a past-deadline ATM attempt once, gives the stock back once, and the order takes a new attempt', async () => {
    const { payment, product, order, cookie } = await placeOrder(shop, 'atm', { stock: 3 });
    expect(await stockOf(product.id)).toBe(2);
    const afterGrace = minutesAfter(payment.atmDeadline!, SETTINGS.atmExpiryGraceMinutes + 1);
    // Two passes at the same moment (two servers would run them on separate connections, as here),
    // and a later one.
    const passes = await Promise.all([expireOverdueAtmPayments(at(afterGrace), SETTINGS), expireOverdueAtmPayments(at(afterGrace), SETTINGS)]);
    await expireOverdueAtmPayments(at(minutesAfter(afterGrace, 30)), SETTINGS);

    expect(await statusOf(payment)).toBe('expired');
    expect(await orderStatusOf(payment)).toBe('expired');
    expect(await stockOf(product.id)).toBe(3);
    expect(await shop.db.paymentEvent.count({ where: { paymentId: payment.id, toStatus: 'expired', applied: true } })).toBe(1);
    expect(passes.map((reports) => reportFor(reports, payment)?.applied).filter((kind) => kind === 'applied')).toHaveLength(1);

    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(page.text).toContain('data-testid="order-status">已逾期<');
    expect(page.text).toContain('data-testid="pay-again"');
    const again = await fetch(`${shop.baseUrl}/orders/${order.id}/payments`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: hiddenField(page.text, '_csrf') }).toString(),
    });
    expect([again.status, again.headers.get('location')]).toEqual([303, `/orders/${order.id}`]);
    const attempts = await shop.db.payment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
    expect(attempts.map((a) => a.status)).toEqual(['expired', 'pending']);
    expect(await orderStatusOf(payment)).toBe('awaiting_payment');
    expect(await stockOf(product.id)).toBe(2);
  });

  it('tells the shopper, and starts nothing, when an expired order’s goods have sold out since', async () => {
    const { payment, product, order, cookie } = await placeOrder(shop, 'atm', { stock: 1 });
    await expireOverdueAtmPayments(at(minutesAfter(payment.atmDeadline!, SETTINGS.atmExpiryGraceMinutes + 1)), SETTINGS);
    expect(await stockOf(product.id)).toBe(1);
    await shop.db.product.update({ where: { id: product.id }, data: { stock: 0 } });

    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    const again = await fetch(`${shop.baseUrl}/orders/${order.id}/payments`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: hiddenField(page.text, '_csrf') }).toString(),
    });

    expect(again.status).toBe(409);
    const text = await again.text();
    expect(text).toContain('data-testid="sold-out"');
    expect(text).not.toContain('data-testid="pay-again"');
    expect(await shop.db.payment.count({ where: { orderId: order.id } })).toBe(1);
    expect(await orderStatusOf(payment)).toBe('expired');
  });

  it('pays, and does not expire, a past-deadline ATM attempt the bank says was paid', async () => {
    const { payment, product } = await placeOrder(shop, 'atm', { stock: 3 });
    await payWithEveryNotificationDropped(payment);

    const reports = await expireOverdueAtmPayments(at(minutesAfter(payment.atmDeadline!, SETTINGS.atmExpiryGraceMinutes + 1)), SETTINGS);

    expect(reportFor(reports, payment)).toEqual({ paymentId: payment.id, check: 'status', applied: 'applied' });
    expect(await statusOf(payment)).toBe('paid');
    expect(await orderStatusOf(payment)).toBe('paid');
    expect(await stockOf(product.id)).toBe(2);
  });

  it('leaves an ATM attempt alone until its deadline and the grace period have passed', async () => {
    const { payment } = await placeOrder(shop, 'atm');

    const reports = await expireOverdueAtmPayments(at(minutesAfter(payment.atmDeadline!, SETTINGS.atmExpiryGraceMinutes - 1)), SETTINGS);

    expect(reportFor(reports, payment)).toBeUndefined();
    expect(await statusOf(payment)).toBe('pending');
    expect(await orderQueriesAbout(payment)).toBe(0);
  });
});
