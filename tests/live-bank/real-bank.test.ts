// The payment integration against Bank SinoPac's own sandbox. It runs only when SINOPAC_API_URL,
// SINOPAC_SHOP_NO and the four SINOPAC_HASH_* variables are set in the environment (tests do not
// read .env); otherwise it is skipped with a message. The bank cannot call back to loopback, so
// this suite covers what a shop can do on its own: create ATM and card payments through the shop's
// own attempt code, find them again with OrderQuery, and answer a BackendURL notification whose
// token the bank does not know.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { loadConfig, type BankCredentials } from '../../src/config';
import { createApp } from '../../src/app';
import { poolOf } from '../../src/db/prisma';
import { createLogger } from '../../src/logger';
import { createExchangeAudit } from '../../src/payments/exchange-audit';
import type { PaymentAttemptDependencies } from '../../src/payments/start-attempt';
import { startedAttempt } from '../support/started-attempt';
import { addDays, parseBankDateTime, taipeiDayOf } from '../../src/settlement/bank-dates';
import { fetchSettlementDay } from '../../src/settlement/settlement-day';
import { SinopacClient } from '../../src/sinopac/client';
import { createSessionStore, type SessionStore } from '../../src/web/session';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createOrder, createProduct } from '../support/shop-fixtures';

const config = loadConfig(process.env);
const live = config.bank.mode === 'remote' ? config.bank : undefined;

if (!live) {
  console.warn('\n  Live bank tests SKIPPED: set SINOPAC_API_URL, SINOPAC_SHOP_NO and SINOPAC_HASH_A1..B2 to run them against the bank.\n');
}

describe.skipIf(!live)("against the bank's real sandbox", () => {
  let database: TestDatabase;
  let sessions: SessionStore;
  let deps: PaymentAttemptDependencies;
  let credentials: BankCredentials;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const bank = live!;
    credentials = bank.credentials;
    database = await createTestDatabase();
    const logger = createLogger('silent');
    const audit = createExchangeAudit({ pool: poolOf(database.db), logger });
    const sinopac = new SinopacClient({
      apiUrl: bank.apiUrl,
      shopNo: credentials.shopNo,
      hashKeys: credentials.hashKeys,
      keyId: credentials.keyId,
      timeoutMs: bank.timeoutMs,
      onExchange: audit.record,
    });
    const settings = { publicBaseUrl: config.publicBaseUrl ?? 'https://shop.example.test', atmExpireDays: 3, cardExpMinutes: 10 };
    deps = { db: database.db, sinopac, clock: () => new Date(), logger, settings };
    sessions = createSessionStore(database.url, logger);
    app = createApp({
      ...deps,
      sessionStore: sessions.store,
      settings: { ...settings, production: false, sessionSecret: 'live-bank-test', bankOrigins: ['https://*.sinopac.com'] },
    });
  });
  afterAll(async () => {
    await sessions?.close();
    await database?.drop();
  });

  it('creates an ATM payment with a 14-digit virtual account the bank can find again', async () => {
    const product = await createProduct(deps.db, { priceTwd: 120, stock: 5 });
    const order = await createOrder(deps.db, { lines: [{ product, quantity: 1 }], payType: 'atm' });
    const payment = await startedAttempt(deps, { orderId: order.id, payType: 'atm' });
    expect(payment.status).toBe('pending');
    expect(payment.atmPayNo).toMatch(/^\d{14}$/);

    const found = await deps.sinopac.orderQuery({ OrderNo: payment.orderNo });
    expect(found.OrderList.map((row) => [row.OrderNo, row.PayStatus])).toEqual([[payment.orderNo, '1A200']]);
  });

  it("creates a card payment whose link is the bank's hosted card page", async () => {
    const product = await createProduct(deps.db, { priceTwd: 350, stock: 5 });
    const order = await createOrder(deps.db, { lines: [{ product, quantity: 2 }], payType: 'card' });
    const payment = await startedAttempt(deps, { orderId: order.id, payType: 'card' });
    expect(payment.status).toBe('pending');
    expect(new URL(payment.cardPayUrl!).hostname).toMatch(/sinopac\.com$/);
  });

  it("answers BillQuery for yesterday with a bill of the shape the settlement assumes", async () => {
    const yesterday = addDays(taipeiDayOf(new Date()), -1);
    // The client has already checked the Sign and the schema (TSType P|R, whole amounts, a list).
    const bill = await deps.sinopac.billQuery({ BillDate: yesterday });
    expect(bill.ShopNo).toBe(credentials.shopNo);
    expect(bill.Description).toMatch(/^S000[01]/);
    if (bill.BillDate !== undefined) expect([yesterday, yesterday.slice(2)]).toContain(bill.BillDate.replace(/\D/g, ''));
    for (const line of bill.OrderList) {
      expect(line.Amount % 100).toBe(0);
      if (line.PayDate !== undefined) expect(parseBankDateTime(line.PayDate), `PayDate ${line.PayDate}`).toBeDefined();
      if (line.TSDate !== undefined) expect(parseBankDateTime(line.TSDate), `TSDate ${line.TSDate}`).toBeDefined();
    }
    // The formats are unconfirmed (docs/sinopac-protocol.md §4.5): show what the bank really sends.
    console.info('BillQuery answer:', JSON.stringify({ Date: bill.Date, BillDate: bill.BillDate, lines: bill.OrderList.length, first: bill.OrderList[0] }));
    const stored = await fetchSettlementDay(deps, yesterday);
    expect(stored.bankPayments + stored.bankRefunds).toBe(bill.OrderList.length);
  });

  it('answers a notification with a token the bank does not know, and records it', async () => {
    const token = 'f'.repeat(64);
    const response = await request(app)
      .post('/payments/sinopac/notify')
      .send({ ShopNo: credentials.shopNo, PayToken: token });
    expect(response.body).toEqual({ Status: 'S' });
    expect(await deps.db.payToken.findMany({ where: { token } })).toMatchObject([{ source: 'backend', outcome: 'unknown' }]);
  });
});
