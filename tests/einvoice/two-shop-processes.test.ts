// E-invoices from two real shop processes (src/main.ts) on one database, both with the einvoice job,
// against the ECPay simulator over HTTP: orders paid from outside wake both (the commit's
// notification), and each order's invoice is issued once, by one of them. One Issue answer is lost
// on the way (the simulator's timeout fault): the step waits out its pause, and the retry finds the
// invoice with GetIssue instead of issuing a second.
import { startEinvoiceSandbox, STAGE_MERCHANT, type RunningEinvoiceSandbox } from 'ecpay-einvoice-sandbox';
import { DEMO_SHOP, silentLogger, startSandbox, type RunningSandbox } from 'sinopac-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/prisma';
import type { Order } from '../../src/generated/prisma/client';
import { EcpayProvider } from '../../src/einvoice/ecpay/ecpay-provider';
import { invoiceForOrder } from '../../src/einvoice/invoice-records';
import { eventually } from '../support/shop-harness';
import { sandboxBankEnv, startShopProcess, type ShopProcess } from '../support/shop-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { payOrder, placeOrder, SILENT } from './einvoice-harness';

let testDb: TestDatabase;
let db: Database;
let bank: RunningSandbox;
let simulator: RunningEinvoiceSandbox;
let shops: ShopProcess[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  bank = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
  simulator = await startEinvoiceSandbox({ port: 0, logger: { info() {}, warn() {}, error() {} } });
  const env = {
    DATABASE_URL: testDb.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...sandboxBankEnv(bank.apiUrl),
    BANK_CHECK_AFTER_MINUTES: '1440',
    JOBS_EVERY_SECONDS: '5',
    EINVOICE_API_URL: simulator.apiUrl,
    EINVOICE_MERCHANT_ID: STAGE_MERCHANT.merchantId,
    EINVOICE_HASH_KEY: STAGE_MERCHANT.hashKey,
    EINVOICE_HASH_IV: STAGE_MERCHANT.hashIV,
    EINVOICE_TIMEOUT_MS: '3000',
  };
  shops = await Promise.all([startShopProcess(env), startShopProcess(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(shops.map((shop) => shop.stop()));
  await simulator?.close();
  await bank?.close();
  await testDb?.drop();
});

describe('e-invoices from two shop processes', () => {
  it('issues each paid order\'s invoice once, a lost answer included', { timeout: 150_000 }, async () => {
    // Said after "open at", which is all a started shop process waits for.
    for (const shop of shops) await eventually(async () => shop.output().includes(`E-invoices: ECPay at ${simulator.apiUrl}`));
    const clock = () => new Date();
    // Paying from this process: the shops hear of it only through the database.
    const deps = { db, clock, logger: SILENT, provider: new EcpayProvider({ apiUrl: simulator.apiUrl, ...STAGE_MERCHANT, timeoutMs: 5_000, clock }) };

    simulator.control.setFaults({ timeout: { op: 'Issue', count: 1 } });
    const orders: Order[] = [];
    for (let i = 0; i < 5; i++) {
      const order = await placeOrder(db, { choice: { invoiceRecipient: i % 2 ? 'member_carrier' : 'donation', ...(i % 2 ? {} : { invoiceDonationCode: '25885' }) } });
      await payOrder(deps, order);
      orders.push(order);
    }

    // The lost answer waits out its pause (30 s) and the next scheduled pass after it.
    await eventually(async () => {
      const issued = await db.invoice.count({ where: { orderId: { in: orders.map((order) => order.id) }, status: 'issued' } });
      return issued === orders.length;
    }, 120_000);
    for (const order of orders) {
      expect(simulator.control.invoices().filter((held) => held.relateNumber === order.number)).toHaveLength(1);
      const invoice = await invoiceForOrder(db, order.id);
      expect(invoice!.history.filter((event) => event.outcome === 'done' || event.outcome === 'found')).toHaveLength(1);
    }
    const unanswered = await db.invoiceEvent.findMany({ where: { invoice: { orderId: { in: orders.map((order) => order.id) } }, outcome: 'unanswered' } });
    expect(unanswered).toHaveLength(1);
    const { orderId } = await db.invoice.findUniqueOrThrow({ where: { id: unanswered[0]!.invoiceId } });
    const lost = await invoiceForOrder(db, orderId);
    expect(lost!.history.map((event) => event.outcome)).toEqual(['queued', 'unanswered', 'found']);
    for (const shop of shops) expect(shop.running()).toBe(true);
  });
});
