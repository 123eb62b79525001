import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/prisma';
import type { Payment } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { PayResultUnavailableError, receivePayToken, type PayTokenIntakeDependencies } from '../../src/payments/pay-token-intake';
import { httpTransport, SinopacClient } from '../../src/sinopac/client';
// The fake bank, not the sandbox: a Sign over another message (an answer changed in flight) is below what the sandbox can say.
import { FakeBank } from '../support/fake-bank';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SHOP = { shopNo: 'NA0249_001', hashKeys: { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67DF4C4E4C9F' } };

let testDb: TestDatabase;
let db: Database;
let bank: FakeBank;
let deps: PayTokenIntakeDependencies;
/** What the fake bank answers to OrderPayQuery, by PayToken; a token not listed is unknown (E2402). */
let payResults: Map<string, Record<string, unknown>>;
let bankStatus: { Status: string; Description: string } | undefined;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  bank = await FakeBank.start({
    ...SHOP,
    respond: (_service, message) => {
      const token = String(message.PayToken);
      const result = payResults.get(token);
      if (bankStatus) return { ShopNo: SHOP.shopNo, PayToken: token, ...bankStatus };
      if (!result) return { ShopNo: SHOP.shopNo, PayToken: token, Status: 'F', Description: 'E2402 – PayToken 不存在' };
      return { ShopNo: SHOP.shopNo, PayToken: token, Date: '202603011000', Status: 'S', Description: 'S0000 – 處理成功', TSResultContent: result };
    },
  });
  const sinopac = new SinopacClient({ apiUrl: bank.url, ...SHOP, timeoutMs: 2_000 });
  deps = { db, sinopac, clock: () => new Date('2026-03-01T02:00:00Z'), logger: createLogger('silent'), inFlight: new Map() };
});
afterAll(async () => {
  await bank.close();
  await testDb.drop();
});
beforeEach(() => {
  payResults = new Map();
  bankStatus = undefined;
  bank.misbehaviour = {};
});

let tokenSequence = 0;
const newToken = () => `${(++tokenSequence).toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;

async function pendingAttempt(): Promise<Payment> {
  const product = await createProduct(db, { priceTwd: 1299, stock: 5 });
  const order = await createOrder(db, { lines: [{ product, quantity: 1 }], payType: 'card' });
  return createPayment(db, order);
}

function bankResult(payment: Payment, overrides: Record<string, unknown> = {}) {
  return {
    APType: 'PayOut', TSNo: 'NA024900000210', OrderNo: payment.orderNo, ShopNo: SHOP.shopNo, PayType: payment.payType === 'card' ? 'C' : 'A',
    Amount: String(payment.amount), Status: 'S', Description: '', Param1: null, Param2: null, Param3: null,
    LeftCCNo: '499937', RightCCNo: '3145', CCExpDate: '3012', CCToken: null, PayDate: '202603010958', ...overrides,
  };
}

const deliver = (payToken: string, source: 'backend' | 'return' = 'backend', shopNo = SHOP.shopNo) =>
  receivePayToken(deps, { source, shopNo, payToken, rawBody: JSON.stringify({ ShopNo: shopNo, PayToken: payToken }) });

const tokenRows = (token: string) => db.payToken.findMany({ where: { token }, orderBy: { id: 'asc' } });

describe('receiving a PayToken', () => {
  it('settles a paid result and records the delivery', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment));

    const result = await deliver(token);

    expect(result).toEqual({ outcome: 'applied', orderId: payment.orderId });
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({
      status: 'paid', cardLast4: '3145', payDate: new Date('2026-03-01T01:58:00Z'),
    });
    expect(await tokenRows(token)).toMatchObject([
      { source: 'backend', shopNo: SHOP.shopNo, rawBody: JSON.stringify({ ShopNo: SHOP.shopNo, PayToken: token }), outcome: 'applied', paymentId: payment.id },
    ]);
  });

  it('settles a failed result as a failed attempt', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment, { Status: 'F', Description: 'E2701 – 授權失敗' }));

    expect((await deliver(token, 'return')).outcome).toBe('applied');
    expect(await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).toMatchObject({ status: 'failed', failureCode: 'E2701' });
  });

  it('answers a token that was already applied without asking the bank again', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment));
    await deliver(token);
    const callsBefore = bank.orders.length;

    const again = await deliver(token, 'return');

    expect(again).toEqual({ outcome: 'already_applied', orderId: payment.orderId });
    expect(bank.orders.length).toBe(callsBefore);
    expect((await tokenRows(token)).map((row) => [row.outcome, row.paymentId])).toEqual([['applied', payment.id], ['already_applied', payment.id]]);
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(1);
  });

  it('asks the bank once for five copies of a token delivered at the same time', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment));
    const callsBefore = bank.orders.length;

    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => deliver(token, i === 0 ? 'return' : 'backend')));

    expect(results.map((r) => r.outcome).sort()).toEqual(['already_applied', 'already_applied', 'already_applied', 'already_applied', 'applied']);
    expect(results.every((r) => r.orderId === payment.orderId)).toBe(true);
    const rows = await tokenRows(token);
    expect(rows.map((row) => row.outcome).sort()).toEqual(['already_applied', 'already_applied', 'already_applied', 'already_applied', 'applied']);
    expect(rows.every((row) => row.paymentId === payment.id)).toBe(true);
    expect(bank.orders.slice(callsBefore).map((call) => call.message.PayToken)).toEqual([token]);
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(1);
  });

  it('rolls its change back and answers already_applied when another process applied the same token meanwhile', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment));
    // While this delivery waits for the bank's answer, another process records the token as applied.
    const racing = new SinopacClient({
      apiUrl: bank.url,
      ...SHOP,
      timeoutMs: 2_000,
      transport: async (url, request) => {
        const response = await httpTransport(url, request);
        if (url.endsWith('/Order')) {
          await db.payToken.create({ data: { token, source: 'return', rawBody: '{}', outcome: 'applied', paymentId: payment.id } });
        }
        return response;
      },
    });

    const result = await receivePayToken({ ...deps, sinopac: racing }, { source: 'backend', shopNo: SHOP.shopNo, payToken: token, rawBody: '{}' });

    expect(result).toEqual({ outcome: 'already_applied', orderId: payment.orderId });
    expect((await tokenRows(token)).map((row) => row.outcome).sort()).toEqual(['already_applied', 'applied']);
    expect(await db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(0);
  });

  it('records a token the bank does not know as unknown', async () => {
    const token = newToken();

    expect(await deliver(token)).toEqual({ outcome: 'unknown' });
    expect(await tokenRows(token)).toMatchObject([{ outcome: 'unknown', paymentId: null }]);
  });

  it('records a result for an OrderNo we never created as unknown', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment, { OrderNo: 'NOTOURS0001A' }));

    expect(await deliver(token)).toEqual({ outcome: 'unknown' });
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('pending');
  });

  it.each([
    ['Amount', { Amount: '129800' }, 'Amount 129800 is not 129900'],
    ['PayType', { PayType: 'A' }, 'PayType A is not C'],
    ['ShopNo', { ShopNo: 'NA9999_001' }, 'ShopNo NA9999_001 is not ours'],
  ])('does not apply a result whose %s differs from the attempt, and records why', async (_field, change, reason) => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment, change));

    const result = await deliver(token);

    expect(result).toEqual({ outcome: 'mismatch', orderId: payment.orderId });
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('pending');
    expect((await db.order.findUniqueOrThrow({ where: { id: payment.orderId } })).status).toBe('awaiting_payment');
    const events = await db.paymentEvent.findMany({ where: { paymentId: payment.id } });
    expect(events).toMatchObject([{ applied: false, fromStatus: 'pending', toStatus: 'paid', payToken: token }]);
    expect(events[0]!.reason).toContain(reason);
    expect(await tokenRows(token)).toMatchObject([{ outcome: 'mismatch', paymentId: payment.id }]);
  });

  it('does not apply a recurring-billing result', async () => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment, { APType: 'RegularOut' }));

    expect((await deliver(token)).outcome).toBe('unsupported');
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('pending');
  });

  it('does not ask the bank about a delivery for another shop', async () => {
    const token = newToken();
    const callsBefore = bank.calls.length;

    expect(await deliver(token, 'backend', 'XX0001_001')).toEqual({ outcome: 'foreign_shop' });
    expect(bank.calls.length).toBe(callsBefore);
    expect(await tokenRows(token)).toMatchObject([{ outcome: 'foreign_shop', shopNo: 'XX0001_001' }]);
  });

  it.each([
    ['the bank answers HTTP 500', () => void (bank.misbehaviour = { httpStatus: { endpoint: 'Order', status: 500 } }), 'bank_unreachable'],
    ['the answer’s Sign does not match', () => void (bank.misbehaviour = { swapMessage: (m) => ({ ...m, Description: 'forged' }) }), 'untrusted_answer'],
    ['the bank is busy', () => void (bankStatus = { Status: 'F', Description: 'E9900 – 系統忙碌' }), 'bank_busy'],
  ])('throws a retryable error when %s, keeping the delivery logged', async (_case, breakBank, reason) => {
    const payment = await pendingAttempt();
    const token = newToken();
    payResults.set(token, bankResult(payment));
    breakBank();

    const error = await deliver(token).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PayResultUnavailableError);
    expect((error as PayResultUnavailableError).reason).toBe(reason);
    expect(await tokenRows(token)).toMatchObject([{ outcome: `unavailable:${reason}` }]);
    expect((await db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('pending');
  });
});

describe("the bank's published test card", () => {
  it('pays nothing in a production shop outside test mode: recorded as a mismatch, the attempt left as it was', async () => {
    const production = { ...deps, sinopac: new SinopacClient({ apiUrl: bank.url, ...SHOP, timeoutMs: 2_000, publishedTestCardPays: false }), inFlight: new Map() };
    const testCard = await pendingAttempt();
    const testToken = newToken();
    payResults.set(testToken, bankResult(testCard));
    const realCard = await pendingAttempt();
    const realToken = newToken();
    payResults.set(realToken, bankResult(realCard, { LeftCCNo: '552199', RightCCNo: '0421' }));

    const refused = await receivePayToken(production, { source: 'backend', shopNo: SHOP.shopNo, payToken: testToken, rawBody: '{}' });
    const paid = await receivePayToken(production, { source: 'backend', shopNo: SHOP.shopNo, payToken: realToken, rawBody: '{}' });

    expect(refused).toEqual({ outcome: 'mismatch', orderId: testCard.orderId });
    expect((await db.payment.findUniqueOrThrow({ where: { id: testCard.id } })).status).toBe('pending');
    const events = await db.paymentEvent.findMany({ where: { paymentId: testCard.id } });
    expect(events).toMatchObject([{ applied: false, reason: expect.stringContaining("published test card") }]);
    expect(paid.outcome).toBe('applied');
    // Anywhere else (development, tests, a staging shop in test mode) the test card pays as it always did.
    expect(deps.sinopac.publishedTestCardPays).toBe(true);
  });
});
