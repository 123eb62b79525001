// Two shops on one PostgreSQL database, as a merchant running two servers would have them: two real
// processes started as `npm start` starts the shop (src/main.ts), the SinoPac sandbox in this one.
// Several attempts are decided at once (card paid, card declined, ATM paid). The sandbox delivers
// each payment's notification five times at once (duplicate fault), batches released newest first
// (outOfOrder fault), to the shop that created the attempt; a declined card has none, as at the bank.
// At the same moment this test delivers every PayToken, the decline's too, five times to the other
// shop (any token reaching the notify route is checked with the bank), and the shopper's browser
// returns to the first. The
// sandbox cannot alternate one order's BackendURL between two shops, so the test takes each
// PayToken from the sandbox's answer to "pay" and fans the deliveries out itself.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/prisma';
import type { Payment, Product } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { startedAttempt } from '../support/started-attempt';
import { DEMO_SHOP, startSandbox, type RunningSandbox, silentLogger } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { createOrder, createProduct } from '../support/shop-fixtures';
import { eventually } from '../support/shop-harness';
import { sandboxBankEnv, startShopProcess, type ShopProcess } from '../support/shop-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const DELIVERIES_PER_SHOP = 5;
const STOCK = 5;
const QUANTITY = 2;

type Kind = 'card paid' | 'card declined' | 'atm paid';
const EXPECTED: Record<Kind, { payment: Payment['status']; order: string }> = {
  'card paid': { payment: 'paid', order: 'paid' },
  'card declined': { payment: 'failed', order: 'awaiting_payment' },
  'atm paid': { payment: 'paid', order: 'paid' },
};
/** The sandbox's deliveries of an attempt's result: none for a decline, which the bank does not notify. */
const sandboxDeliveries = (kind: Kind) => (kind === 'card declined' ? 0 : DELIVERIES_PER_SHOP);

interface Attempt {
  kind: Kind;
  product: Product;
  payment: Payment;
  creator: ShopProcess;
  other: ShopProcess;
  payToken?: string;
}

let testDb: TestDatabase;
let db: Database;
let sandbox: RunningSandbox;
let shops: ShopProcess[] = [];
/** Order calls the sandbox accepted (a nonce consumed and valid): OrderCreate from this test, OrderPayQuery from the shops. */
let acceptedOrderCalls = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  sandbox = await startSandbox({
    shops: [DEMO_SHOP],
    port: 0,
    logger: silentLogger,
    atmAutoPayDelayMs: null,
    notifyIntervalMs: 200,
    // Generous: on a busy machine sixty-odd concurrent deliveries may each take seconds, and a
    // delivery that timed out would be retried, which is not what this test is about.
    notifyTimeoutMs: 30_000,
    faults: { duplicate: DELIVERIES_PER_SHOP - 1, outOfOrder: true },
  });
  const nonces = sandbox.sandbox.state.nonces;
  const consume = nonces.consume.bind(nonces);
  nonces.consume = (...args) => {
    const rejected = consume(...args);
    if (!rejected) acceptedOrderCalls++;
    return rejected;
  };
  const env = {
    DATABASE_URL: testDb.url,
    PORT: '0',
    LOG_LEVEL: 'info',
    ...sandboxBankEnv(sandbox.apiUrl),
    SINOPAC_TIMEOUT_MS: '5000',
    // The bank check would only ask about attempts a day old: none here.
    BANK_CHECK_AFTER_MINUTES: '1440',
  };
  // Products exist before the shops start, so neither seeds its catalogue.
  await createProduct(db, { priceTwd: 100, stock: 1 });
  shops = await Promise.all([startShopProcess(env), startShopProcess(env)]);
}, 120_000);

afterAll(async () => {
  await Promise.all(shops.map((shop) => shop.stop()));
  await sandbox?.close();
  await testDb?.drop();
});

async function newAttempt(kind: Kind, creator: ShopProcess, other: ShopProcess): Promise<Attempt> {
  const payType = kind === 'atm paid' ? 'atm' : 'card';
  const product = await createProduct(db, { priceTwd: 750, stock: STOCK });
  const order = await createOrder(db, { lines: [{ product, quantity: QUANTITY }], payType, reserve: true });
  // Started here rather than through a shop's pages, with the creating shop's callback URLs.
  const payment = await startedAttempt(
    {
      db,
      sinopac: new SinopacClient({ apiUrl: sandbox.apiUrl, shopNo: DEMO_SHOP.shopNo, hashKeys: DEMO_SHOP.hashKeys, timeoutMs: 5_000 }),
      clock: () => new Date(),
      logger: createLogger('silent'),
      settings: { publicBaseUrl: creator.baseUrl, atmExpireDays: 3, cardExpMinutes: 10 },
    },
    { orderId: order.id, payType },
  );
  return { kind, product, payment, creator, other };
}

function post(url: string, contentType: string, body: string): Promise<{ status: number; body: string; location: string | null }> {
  return fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': contentType }, body }).then(async (response) => ({
    status: response.status,
    body: await response.text(),
    location: response.headers.get('location'),
  }));
}

describe('two shop processes sharing one database', () => {
  it('apply every result once when it arrives many times, out of order, at both at once', { timeout: 90_000 }, async () => {
    const [a, b] = shops as [ShopProcess, ShopProcess];
    // On start the shops catch up the daily settlement (7 BillQuery calls in all); let it finish, so
    // that the Order calls counted below are this test's and its OrderPayQuery calls only.
    await eventually(async () => (await db.settlementDay.count()) === 7, 30_000);
    const kinds: Kind[] = ['card paid', 'card declined', 'atm paid'];
    const attempts = await Promise.all(
      [...kinds.map((kind) => newAttempt(kind, a, b)), ...kinds.map((kind) => newAttempt(kind, b, a))],
    );
    const control = sandbox.sandbox.control;
    const orderCreates = acceptedOrderCalls;

    // Every attempt is paid (or declined) in the same instant, so the sandbox holds all their
    // notifications together and releases them newest first.
    for (const attempt of attempts) {
      const result = control.pay({ orderNo: attempt.payment.orderNo }, attempt.kind === 'card declined' ? 'declined' : 'approved');
      attempt.payToken = result.payToken;
    }
    const ours = attempts.flatMap((attempt) => {
      const json = JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: attempt.payToken });
      // Spread over the sandbox's out-of-order window, so they meet its deliveries at the other shop's database.
      const notifications = Array.from({ length: DELIVERIES_PER_SHOP }, (_, i) =>
        sleep(i * 60).then(() => post(`${attempt.other.baseUrl}/payments/sinopac/notify`, 'application/json', json)),
      );
      const form = new URLSearchParams({ ShopNo: DEMO_SHOP.shopNo, PayToken: attempt.payToken! }).toString();
      const returns =
        attempt.kind === 'atm paid' ? [] : [sleep(100).then(() => post(`${attempt.creator.baseUrl}/payments/sinopac/return`, 'application/x-www-form-urlencoded', form))];
      return [...notifications.map((p) => p.then((r) => ({ attempt, via: 'notify' as const, ...r }))), ...returns.map((p) => p.then((r) => ({ attempt, via: 'return' as const, ...r })))];
    });
    const answers = await Promise.all(ours);
    await eventually(
      async () => attempts.every((attempt) => control.deliveries({ orderNo: attempt.payment.orderNo }).length === sandboxDeliveries(attempt.kind)),
      30_000,
    );

    // Every delivery was answered {"Status":"S"}: the sandbox's and ours; every return led to the result page.
    for (const attempt of attempts) {
      const deliveries = control.deliveries({ orderNo: attempt.payment.orderNo });
      expect(deliveries.map((d) => [d.url, d.statusCode, d.body])).toEqual(
        Array(sandboxDeliveries(attempt.kind)).fill([`${attempt.creator.baseUrl}/payments/sinopac/notify`, 200, '{"Status":"S"}']),
      );
    }
    for (const answer of answers) {
      if (answer.via === 'notify') expect([answer.status, answer.body]).toEqual([200, '{"Status":"S"}']);
      else expect([answer.status, answer.location]).toEqual([303, `/orders/${answer.attempt.payment.orderId}/result`]);
    }

    // Every attempt in the right state, changed once, its stock taken once (when its order was placed).
    for (const attempt of attempts) {
      const { payment, order } = EXPECTED[attempt.kind];
      const after = await db.payment.findUniqueOrThrow({ where: { id: attempt.payment.id }, include: { events: { orderBy: { id: 'asc' } }, order: true } });
      expect([attempt.kind, after.status, after.order.status]).toEqual([attempt.kind, payment, order]);
      expect(after.events.map((e) => [e.fromStatus, e.toStatus, e.applied])).toEqual([
        ['creating', 'pending', true],
        ['pending', payment, true],
      ]);
      expect((await db.product.findUniqueOrThrow({ where: { id: attempt.product.id } })).stock).toBe(STOCK - QUANTITY);
      const tokens = await db.payToken.findMany({ where: { token: attempt.payToken! } });
      expect(tokens).toHaveLength(sandboxDeliveries(attempt.kind) + DELIVERIES_PER_SHOP + (attempt.kind === 'atm paid' ? 0 : 1));
      expect(tokens.filter((t) => t.outcome === 'applied')).toHaveLength(1);
      expect(tokens.every((t) => t.outcome === 'applied' || t.outcome === 'already_applied')).toBe(true);
    }

    // One audit row per OrderPayQuery the bank answered, written by whichever shop asked. The
    // shops write them in the background and flush them when they stop, so they stop first.
    const exitCodes = await Promise.all(shops.map((shop) => shop.stop()));
    expect(exitCodes).toEqual([0, 0]);
    const payQueries = acceptedOrderCalls - orderCreates;
    const audited = await db.gatewayExchange.findMany({ where: { service: 'OrderPayQuery' } });
    expect(payQueries).toBeGreaterThanOrEqual(attempts.length);
    expect(audited).toHaveLength(payQueries);
    expect(audited.every((row) => row.outcome === 'ok' && attempts.some((attempt) => attempt.payment.id === row.paymentId))).toBe(true);
  });
});
