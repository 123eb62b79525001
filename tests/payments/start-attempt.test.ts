import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { poolOf, type Database } from '../../src/db/prisma';
import { createLogger } from '../../src/logger';
import { createExchangeAudit, type ExchangeAudit } from '../../src/payments/exchange-audit';
import { startPaymentAttempt, type PaymentAttemptDependencies } from '../../src/payments/start-attempt';
import { SinopacClient } from '../../src/sinopac/client';
// The fake bank, not the sandbox: it hangs OrderCreate (the sandbox hangs only OrderPayQuery) and
// records the exact message of every call.
import { FakeBank, simpleBank } from '../support/fake-bank';
import { createOrder, createProduct } from '../support/shop-fixtures';
import { startedAttempt } from '../support/started-attempt';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SHOP = { shopNo: 'NA0249_001', hashKeys: { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67DF4C4E4C9F' } };
/** 2026-03-02 00:30 in Taipei: already the next day there, while UTC still says the 1st. */
const NOW = new Date('2026-03-01T16:30:00Z');

let testDb: TestDatabase;
let db: Database;
let bank: FakeBank;
let audit: ExchangeAudit;
let deps: PaymentAttemptDependencies;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  bank = await FakeBank.start(SHOP);
  const logger = createLogger('silent');
  audit = createExchangeAudit({ pool: poolOf(db), logger });
  const sinopac = new SinopacClient({ apiUrl: bank.url, ...SHOP, timeoutMs: 5_000, onExchange: audit.record });
  deps = {
    db, sinopac, clock: () => NOW, logger,
    settings: { publicBaseUrl: 'https://shop.example.tw', atmExpireDays: 3, cardExpMinutes: 15 },
  };
});
afterAll(async () => {
  await bank.close();
  await testDb.drop();
});
beforeEach(() => {
  bank.misbehaviour = {};
  bank.respond = simpleBank(SHOP.shopNo);
});

async function order(payType: 'atm' | 'card', names: string[] = ['阿里山高山烏龍茶']) {
  const lines = [];
  for (const nameZh of names) lines.push({ product: await createProduct(db, { priceTwd: 680, stock: 10, nameZh }), quantity: 2 });
  return createOrder(db, { lines, payType });
}

const lastOrderCreate = () => bank.orders.filter((o) => o.service === 'OrderCreate').at(-1)!.message;

describe('starting a card attempt', () => {
  it('sends the order to the bank and keeps the card page link', async () => {
    const shopOrder = await order('card');

    const payment = await startedAttempt(deps, { orderId: shopOrder.id, payType: 'card' });

    expect(lastOrderCreate()).toMatchObject({
      OrderNo: payment.orderNo,
      Amount: 136000,
      PayType: 'C',
      CurrencyID: 'TWD',
      PrdtName: `${shopOrder.number} 阿里山高山烏龍茶 x2`,
      ReturnURL: 'https://shop.example.tw/payments/sinopac/return',
      BackendURL: 'https://shop.example.tw/payments/sinopac/notify',
      CardParam: { AutoBilling: 'Y', ExpMinutes: 15 },
    });
    expect(payment).toMatchObject({ status: 'pending', amount: 136000, payType: 'card', orderId: shopOrder.id });
    expect(payment.cardPayUrl).toMatch(/^https:\/\/sandbox\.sinopac\.com\/QPay\.WebPaySite\/Bridge\/PayCard\?TD=/);
    expect(payment.tsNo).toMatch(/^NA0249\d{8}$/);
    const events = await db.paymentEvent.findMany({ where: { paymentId: payment.id } });
    expect(events).toMatchObject([{ fromStatus: 'creating', toStatus: 'pending', applied: true }]);
  });

  it('gives every attempt its own OrderNo, never ending in 9', async () => {
    const numbers = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const shopOrder = await order('card');
      numbers.add((await startedAttempt(deps, { orderId: shopOrder.id, payType: 'card' })).orderNo);
    }

    expect(numbers.size).toBe(5);
    for (const orderNo of numbers) expect(orderNo).toMatch(/^FSP260302[0-9A-Z]{15}[A-Z]$/);
  });
});

describe('what an attempt was created with', () => {
  it('records on a card attempt the AutoBilling its OrderCreate was sent with, and none on an ATM attempt', async () => {
    const card = await startedAttempt(deps, { orderId: (await order('card')).id, payType: 'card' });
    expect(lastOrderCreate()).toMatchObject({ CardParam: { AutoBilling: 'Y' } });
    expect(card.autoBilling).toBe(true);

    const atm = await startedAttempt(deps, { orderId: (await order('atm')).id, payType: 'atm' });
    expect(lastOrderCreate()).not.toHaveProperty('CardParam');
    expect(atm.autoBilling).toBeNull();
  });
});

describe('starting an ATM attempt', () => {
  it('asks for an account that expires after the configured days in Taipei, and keeps it', async () => {
    const shopOrder = await order('atm');

    const payment = await startedAttempt(deps, { orderId: shopOrder.id, payType: 'atm' });

    expect(lastOrderCreate()).toMatchObject({ PayType: 'A', ATMParam: { ExpireDate: '20260305' } });
    expect(payment).toMatchObject({
      status: 'pending',
      atmBankCode: '807',
      atmDeadline: new Date('2026-03-05T15:59:59.999Z'),
    });
    expect(payment.atmPayNo).toMatch(/^99922\d{9}$/);
    expect(payment.webAtmUrl).toContain('PayWebATM');
  });

  it('never asks for more than the bank’s 30 days', async () => {
    const shopOrder = await order('atm');

    await startedAttempt({ ...deps, settings: { ...deps.settings, atmExpireDays: 45 } }, { orderId: shopOrder.id, payType: 'atm' });

    expect(lastOrderCreate()).toMatchObject({ ATMParam: { ExpireDate: '20260401' } });
  });
});

describe('when OrderCreate fails', () => {
  it('marks the attempt create_failed and reports the bank’s refusal with its code', async () => {
    const shopOrder = await order('card');
    bank.respond = () => ({ ShopNo: SHOP.shopNo, Status: 'F', Description: 'E0302 – 訂單編號重複' });

    const result = await startPaymentAttempt(deps, { orderId: shopOrder.id, payType: 'card' });

    expect(result).toEqual({ kind: 'start_failed', reason: 'bank_refused', bankCode: 'E0302' });
    const [attempt] = await db.payment.findMany({ where: { orderId: shopOrder.id }, include: { events: true } });
    expect(attempt).toMatchObject({ status: 'create_failed', failureCode: 'E0302', cardPayUrl: null });
    expect(attempt!.events).toMatchObject([{ fromStatus: 'creating', toStatus: 'create_failed', applied: true }]);
  });

  it('keeps the OrderNo of an attempt that timed out and uses a new one for the next attempt', async () => {
    const shopOrder = await order('card');
    bank.misbehaviour = { hang: 'Order' };
    const impatient = new SinopacClient({ apiUrl: bank.url, ...SHOP, timeoutMs: 300 });

    const result = await startPaymentAttempt({ ...deps, sinopac: impatient }, { orderId: shopOrder.id, payType: 'card' });

    expect(result).toEqual({ kind: 'start_failed', reason: 'bank_unavailable' });
    const [timedOut] = await db.payment.findMany({ where: { orderId: shopOrder.id } });
    expect(timedOut).toMatchObject({ status: 'create_failed', failureCode: 'timeout' });

    bank.misbehaviour = {};
    const retry = await startedAttempt(deps, { orderId: shopOrder.id, payType: 'card' });
    expect(retry.orderNo).not.toBe(timedOut!.orderNo);
    expect((await db.payment.findUniqueOrThrow({ where: { id: timedOut!.id } })).orderNo).toBe(timedOut!.orderNo);
  });
});

describe('which orders take a new attempt', () => {
  it('refuses one for an order that is already paid', async () => {
    const shopOrder = await order('card');
    await db.order.update({ where: { id: shopOrder.id }, data: { status: 'paid' } });

    const result = await startPaymentAttempt(deps, { orderId: shopOrder.id, payType: 'card' });

    expect(result).toEqual({ kind: 'not_payable', reason: 'order_closed' });
    expect(await db.payment.count({ where: { orderId: shopOrder.id } })).toBe(0);
  });

  it('starts one attempt when two requests ask at the same moment (a double click)', async () => {
    const shopOrder = await order('card');

    const results = await Promise.all([
      startPaymentAttempt(deps, { orderId: shopOrder.id, payType: 'card' }),
      startPaymentAttempt(deps, { orderId: shopOrder.id, payType: 'card' }),
    ]);

    expect(results.map((r) => r.kind).sort()).toEqual(['not_payable', 'started']);
    expect(results.find((r) => r.kind === 'not_payable')).toEqual({ kind: 'not_payable', reason: 'attempt_open' });
    expect(await db.payment.count({ where: { orderId: shopOrder.id } })).toBe(1);
  });

  it('takes an expired order back to awaiting payment, reserving its stock again', async () => {
    const product = await createProduct(db, { priceTwd: 500, stock: 4 });
    const shopOrder = await createOrder(db, { lines: [{ product, quantity: 3 }], payType: 'card' });
    await db.order.update({ where: { id: shopOrder.id }, data: { status: 'expired' } });

    await startedAttempt(deps, { orderId: shopOrder.id, payType: 'card' });

    expect((await db.order.findUniqueOrThrow({ where: { id: shopOrder.id } })).status).toBe('awaiting_payment');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(1);
  });

  it('refuses an expired order whose products have sold out since, and changes nothing', async () => {
    const product = await createProduct(db, { priceTwd: 500, stock: 2 });
    const shopOrder = await createOrder(db, { lines: [{ product, quantity: 3 }], payType: 'atm' });
    await db.order.update({ where: { id: shopOrder.id }, data: { status: 'expired' } });

    const result = await startPaymentAttempt(deps, { orderId: shopOrder.id, payType: 'atm' });

    expect(result).toEqual({ kind: 'not_payable', reason: 'sold_out' });
    expect((await db.order.findUniqueOrThrow({ where: { id: shopOrder.id } })).status).toBe('expired');
    expect((await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);
    expect(await db.payment.count({ where: { orderId: shopOrder.id } })).toBe(0);
  });
});

it('audits each bank call, tied to its attempt and without nonce or signature', async () => {
  const shopOrder = await order('card');
  const payment = await startedAttempt(deps, { orderId: shopOrder.id, payType: 'card' });
  await audit.flush();

  const rows = await db.gatewayExchange.findMany({ where: { orderNo: payment.orderNo } });
  expect(rows).toMatchObject([{ service: 'OrderCreate', paymentId: payment.id, outcome: 'ok' }]);
  expect(rows[0]!.request).toMatchObject({ OrderNo: payment.orderNo, Amount: 136000 });
  expect(rows[0]!.response).toMatchObject({ TSNo: payment.tsNo });
  expect(JSON.stringify(rows[0])).not.toMatch(/Nonce|"Sign"|HashID/i);
});
