// The less-travelled money paths, against a real database and a stub bank on loopback
// whose every OrderQuery / OrderMaintain answer the test chooses: an attempt the bank cannot
// describe, a refunded duplicate payment, a refund answered with another amount, refunds whose
// answer was lost, stock held by orders nobody will pay, and how often an ATM order is asked about.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findPaymentsNeedingAttention } from '../../src/admin/attention';
import { refundPayment } from '../../src/admin/refunds';
import type { Database } from '../../src/db/prisma';
import type { Order, Payment, PaymentStatus, PayType, Product } from '../../src/generated/prisma/client';
import { ATTENTION_AFTER_FAILURES, transientRetryMinutes } from '../../src/jobs/bank-check-schedule';
import { expireOverdueAtmPayments } from '../../src/jobs/expire-atm';
import { recheckUnknownRefunds } from '../../src/jobs/recheck-refunds';
import { checkUndecidedAttempts } from '../../src/jobs/bank-check-job';
import { releaseStaleStockHolds } from '../../src/jobs/release-stock-holds';
import { createLogger } from '../../src/logger';
import type { BankCheckDependencies } from '../../src/payments/bank-check';
import { applyRefundAnswer } from '../../src/payments/refund-outcome';
import { applyBankResult } from '../../src/payments/apply-result';
import { startedAttempt } from '../support/started-attempt';
import { SinopacClient } from '../../src/sinopac/client';
import { SinopacProtocolError } from '../../src/sinopac/errors';
// The fake bank, not the sandbox: these answers (an entry with no TSNo, an OrderMaintain echoing
// another order or amount) are ones no bank should give, so the sandbox cannot give them.
import { FakeBank, simpleBank } from '../support/fake-bank';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SHOP = { shopNo: 'NA0249_001', hashKeys: { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67DF4C4E4C9F' } };
const SETTINGS = { bankCheckAfterMinutes: 15, atmExpiryGraceMinutes: 60, stockHoldMinutes: 30, cardExpMinutes: 10 };
const MINUTE = 60_000;
const OK = 'S0000 – 處理成功';

/** What the stub bank says about one OrderNo to OrderQuery: an entry's fields, a refusal, or an entry the schema rejects. */
type QueryAnswer = { entry: Record<string, unknown> } | { refuse: string } | { malformed: true };

let testDb: TestDatabase;
let db: Database;
let bank: FakeBank;
let sinopac: SinopacClient;
let queryAnswers: Map<string, QueryAnswer>;
/** How the stub answers OrderMaintain: the amount it names, or an answer for another order (an untrusted answer). */
let maintain: { amount?: number | null; untrusted?: boolean };

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  bank = await FakeBank.start({ ...SHOP, respond: respond() });
  sinopac = new SinopacClient({ apiUrl: bank.url, ...SHOP, timeoutMs: 2_000 });
});
afterAll(async () => {
  await bank.close();
  await testDb.drop();
});
beforeEach(() => {
  queryAnswers = new Map();
  maintain = {};
  bank.misbehaviour = {};
  bank.respond = respond();
});

function respond() {
  const fallback = simpleBank(SHOP.shopNo);
  return (service: string, message: Record<string, unknown>) => {
    const orderNo = String(message.OrderNo ?? '');
    if (service === 'OrderQuery') {
      const answer = queryAnswers.get(orderNo);
      if (!answer) return { ShopNo: SHOP.shopNo, Status: 'S', Description: 'S0001 – 查無資料', OrderList: null };
      if ('refuse' in answer) return { ShopNo: SHOP.shopNo, Status: 'F', Description: answer.refuse };
      const entry = 'malformed' in answer ? { OrderNo: orderNo, TSNo: null, Amount: 100, PayType: 'A', PayStatus: '1A200' } : answer.entry;
      return { ShopNo: SHOP.shopNo, Date: '202603011000', Status: 'S', Description: OK, OrderList: [entry] };
    }
    if (service === 'OrderMaintain') {
      return {
        ShopNo: SHOP.shopNo, OrderNo: maintain.untrusted ? 'SOMEONE-ELSE' : orderNo, TSNo: 'NA024900000001', Command: message.Command,
        Amount: maintain.amount === undefined ? (message.Amount ?? null) : maintain.amount, Date: '202603011000', Status: 'S', Description: OK,
      };
    }
    return fallback(service, message);
  };
}

function entryFor(payment: Payment, fields: Record<string, unknown>): QueryAnswer {
  return { entry: { OrderNo: payment.orderNo, TSNo: payment.tsNo ?? 'NA024900000001', Amount: payment.amount, PayType: payment.payType === 'card' ? 'C' : 'A', PayStatus: '1A200', ...fields } };
}

const deps = (at: Date): BankCheckDependencies => ({ db, sinopac, clock: () => at, logger: createLogger('silent') });
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * MINUTE);
const queriesAbout = (payment: Payment) => bank.orders.filter((order) => order.service === 'OrderQuery' && order.message.OrderNo === payment.orderNo).length;
const reportFor = (reports: Array<{ paymentId: string }>, payment: Payment) => reports.find((report) => report.paymentId === payment.id);
const reload = (payment: Payment) => db.payment.findUniqueOrThrow({ where: { id: payment.id } });
const orderOf = (payment: Payment) => db.order.findUniqueOrThrow({ where: { id: payment.orderId } });
const stockOf = async (product: Product) => (await db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;

async function orderWithStock(payType: PayType, stock = 5): Promise<{ order: Order; product: Product }> {
  const product = await createProduct(db, { priceTwd: 1_500, stock });
  const order = await createOrder(db, { lines: [{ product, quantity: 1 }], payType, reserve: true });
  return { order, product };
}

async function attempt(payType: PayType, status: PaymentStatus = 'pending', fields: Partial<Payment> = {}): Promise<Payment> {
  const { order } = await orderWithStock(payType);
  const payment = await createPayment(db, order, status);
  return db.payment.update({ where: { id: payment.id }, data: { tsNo: `NA0249${payment.id.slice(0, 8)}`, ...fields } });
}

/** A paid card attempt of a paid order, as settle leaves it. */
async function paidCard(order?: Order): Promise<Payment> {
  const target = order ?? (await orderWithStock('card')).order;
  const payment = await createPayment(db, target, 'pending');
  await applyBankResult(deps(new Date()), { paymentId: payment.id, outcome: { kind: 'paid' }, source: 'backend' });
  return reload(payment);
}

describe('one attempt the bank cannot describe', () => {
  it('is recorded and passed over, and the paid attempt behind it is applied in the same pass', async () => {
    const refused = await attempt('atm');
    const malformed = await attempt('atm');
    const paid = await attempt('atm');
    queryAnswers.set(refused.orderNo, { refuse: 'E9999 – 系統忙碌' });
    queryAnswers.set(malformed.orderNo, { malformed: true });
    queryAnswers.set(paid.orderNo, entryFor(paid, { PayStatus: '1A400', PayDate: '202603011000' }));
    const now = minutesAfter(paid.createdAt, 16);

    const reports = await checkUndecidedAttempts(deps(now), SETTINGS);

    expect(reports.map((report) => report.paymentId)).toEqual([refused.id, malformed.id, paid.id]);
    expect((await reload(paid)).status).toBe('paid');
    expect((await orderOf(paid)).status).toBe('paid');
    const stuck = await reload(refused);
    expect(stuck).toMatchObject({ status: 'pending', bankCheckFailures: 1, lastBankError: 'E9999 – 系統忙碌' });
    expect(stuck.nextBankCheckAt!.getTime()).toBeGreaterThan(now.getTime());
    expect(await reload(malformed)).toMatchObject({ bankCheckFailures: 1, lastBankError: expect.stringContaining('TSNo') });
  });

  it('is listed as needing attention, with the bank’s last answer, after repeated failures', async () => {
    const refused = await attempt('card');
    queryAnswers.set(refused.orderNo, { refuse: 'E9999 – 系統忙碌' });
    let now = minutesAfter(refused.createdAt, 16);
    for (let pass = 1; pass <= ATTENTION_AFTER_FAILURES; pass++) {
      expect((await findPaymentsNeedingAttention(db)).map((listed) => listed.id)).not.toContain(refused.id);
      await checkUndecidedAttempts(deps(now), SETTINGS);
      now = (await reload(refused)).nextBankCheckAt!;
    }

    const listed = (await findPaymentsNeedingAttention(db)).find((payment) => payment.id === refused.id);
    expect(listed).toMatchObject({ bankCheckFailures: ATTENTION_AFTER_FAILURES, lastBankError: 'E9999 – 系統忙碌', order: { number: expect.any(String) } });

    // Once the bank answers again, the attempt is applied and leaves the list.
    queryAnswers.set(refused.orderNo, entryFor(refused, { PayStatus: '1C250' }));
    await checkUndecidedAttempts(deps(now), SETTINGS);
    expect((await reload(refused)).status).toBe('expired');
    expect((await findPaymentsNeedingAttention(db)).map((payment) => payment.id)).not.toContain(refused.id);
  });

  it('does not stop the ATM expiry for the attempts behind it', async () => {
    const refused = await attempt('atm', 'pending', { atmDeadline: new Date(Date.now() - 3 * 60 * MINUTE) });
    const unpaid = await attempt('atm', 'pending', { atmDeadline: new Date(Date.now() - 2 * 60 * MINUTE) });
    queryAnswers.set(refused.orderNo, { refuse: 'E9999 – 系統忙碌' });
    queryAnswers.set(unpaid.orderNo, entryFor(unpaid, { PayStatus: '1A250' }));

    await expireOverdueAtmPayments(deps(new Date()), SETTINGS);

    expect((await reload(unpaid)).status).toBe('expired');
    expect(await reload(refused)).toMatchObject({ status: 'pending', bankCheckFailures: 1 });
  });
});

describe('when the bank is busy, or a card link runs out', () => {
  const farDeadline = () => minutesAfter(new Date(), 3 * 24 * 60);
  const minutesUntilNext = async (payment: Payment, from: Date) => ((await reload(payment)).nextBankCheckAt!.getTime() - from.getTime()) / MINUTE;

  it('asks again within minutes after the bank was busy or did not answer, and on the ladder after an answer that says something', async () => {
    const busy = await attempt('atm', 'pending', { atmDeadline: farDeadline() });
    const refused = await attempt('atm', 'pending', { atmDeadline: farDeadline() });
    queryAnswers.set(busy.orderNo, { refuse: 'E9900 – 系統忙碌' });
    queryAnswers.set(refused.orderNo, { refuse: 'E2002 – 訂單狀態不符' });
    const first = minutesAfter(busy.createdAt, 16);

    await checkUndecidedAttempts(deps(first), SETTINGS);

    // Busy: 1 to 3 minutes (2 with jitter), and no step taken on the ladder.
    expect(await minutesUntilNext(busy, first)).toBeGreaterThanOrEqual(1);
    expect(await minutesUntilNext(busy, first)).toBeLessThan(3);
    expect(await reload(busy)).toMatchObject({ bankChecks: 0, bankCheckFailures: 1 });
    // A refusal about the order: the next step of the ladder, an hour.
    expect(await minutesUntilNext(refused, first)).toBe(60);
    expect(await reload(refused)).toMatchObject({ bankChecks: 1, bankCheckFailures: 1 });

    // The bank does not answer at all: again within minutes, each such failure in a row doubling the wait.
    bank.misbehaviour = { httpStatus: { endpoint: 'Order', status: 503 } };
    const second = (await reload(busy)).nextBankCheckAt!;
    await checkUndecidedAttempts(deps(second), SETTINGS);
    expect(await minutesUntilNext(busy, second)).toBeGreaterThanOrEqual(2);
    expect(await minutesUntilNext(busy, second)).toBeLessThan(6);
    expect(await reload(busy)).toMatchObject({ bankChecks: 0, bankCheckFailures: 2 });

    // The bank answers again, and a payment whose notifications were lost is paid minutes later, not an hour.
    bank.misbehaviour = {};
    queryAnswers.set(busy.orderNo, entryFor(busy, { PayStatus: '1A400', PayDate: '202603011000' }));
    const third = (await reload(busy)).nextBankCheckAt!;
    await checkUndecidedAttempts(deps(third), SETTINGS);
    expect((await reload(busy)).status).toBe('paid');
    expect((third.getTime() - first.getTime()) / MINUTE).toBeLessThan(10);
  });

  it('spreads the retries with jitter, and never waits longer than the ladder would', () => {
    expect(transientRetryMinutes(0, 60, () => 0)).toBe(1);
    expect(transientRetryMinutes(0, 60, () => 0.99)).toBeCloseTo(2.98);
    expect(transientRetryMinutes(2, 60, () => 0.5)).toBe(8);
    expect(transientRetryMinutes(10, 60, () => 0.5)).toBe(60);
  });

  it('asks about a card attempt right after its link has run out, plus the grace, before its first ladder step', async () => {
    const slowLadder = { ...SETTINGS, bankCheckAfterMinutes: 60, cardExpMinutes: 10 };
    const card = await attempt('card');
    // An OrderCreate whose answer was lost: the bank may hold the order, or never have made it.
    const lostCreate = await attempt('card', 'create_failed');
    queryAnswers.set(card.orderNo, entryFor(card, { PayStatus: '1C250' }));

    expect(reportFor(await checkUndecidedAttempts(deps(minutesAfter(card.createdAt, 14)), slowLadder), card)).toBeUndefined();
    const reports = await checkUndecidedAttempts(deps(minutesAfter(lostCreate.createdAt, 16)), slowLadder);

    expect(reportFor(reports, card)).toMatchObject({ check: 'status', applied: 'applied' });
    expect((await reload(card)).status).toBe('expired');
    expect(reportFor(reports, lostCreate)).toMatchObject({ check: 'not_at_bank', applied: 'applied' });
    expect((await reload(lostCreate)).status).toBe('expired');
  });

  it('asks a card attempt whose link outlives its first question again when the link has run out, not a ladder step later', async () => {
    const longLink = { ...SETTINGS, bankCheckAfterMinutes: 15, cardExpMinutes: 30 };
    const card = await attempt('card');
    queryAnswers.set(card.orderNo, entryFor(card, { PayStatus: '1C200' }));

    await checkUndecidedAttempts(deps(minutesAfter(card.createdAt, 16)), longLink);
    // 30 minutes of link and 5 of grace, rather than an hour after the first question.
    expect((await reload(card)).nextBankCheckAt).toEqual(minutesAfter(card.createdAt, 35));

    queryAnswers.set(card.orderNo, entryFor(card, { PayStatus: '1C250' }));
    await checkUndecidedAttempts(deps(minutesAfter(card.createdAt, 35)), longLink);
    expect((await reload(card)).status).toBe('expired');
    expect(queriesAbout(card)).toBe(2);
  });
});

describe('an order’s status after a refund', () => {
  it('stays paid when a duplicate payment is refunded, and follows the money that is left', async () => {
    const first = await paidCard();
    const order = await db.order.findUniqueOrThrow({ where: { id: first.orderId } });
    const duplicate = await paidCard(order);
    expect((await orderOf(first)).status).toBe('paid');

    await applyBankResult(deps(new Date()), { paymentId: duplicate.id, outcome: { kind: 'refunded', amount: duplicate.amount }, source: 'admin' });
    expect((await reload(duplicate)).status).toBe('refunded');
    expect((await orderOf(first)).status).toBe('paid');

    await applyBankResult(deps(new Date()), { paymentId: first.id, outcome: { kind: 'refunded', amount: 50_000 }, source: 'admin' });
    expect((await orderOf(first)).status).toBe('partially_refunded');
    await applyBankResult(deps(new Date()), { paymentId: first.id, outcome: { kind: 'refunded', amount: first.amount - 50_000 }, source: 'admin' });
    expect((await orderOf(first)).status).toBe('refunded');
  });
});

describe('the bank’s answer to a refund', () => {
  const request = (payment: Payment, amount: number, key: string) =>
    refundPayment(deps(new Date()), { paymentId: payment.id, kind: 'refund', amount, idempotencyKey: key, requestedBy: 'merchant' });

  it('books the amount asked for, and a refund answered with another amount is left for review with nothing booked', async () => {
    const payment = await paidCard();
    maintain.amount = payment.amount;

    const result = await request(payment, 50_000, crypto.randomUUID());

    expect(result.kind).toBe('needs_review');
    const refund = await db.refund.findFirstOrThrow({ where: { paymentId: payment.id } });
    expect(refund).toMatchObject({ status: 'needs_review', amount: 50_000 });
    expect(refund.bankDescription).toContain(`Amount ${payment.amount}`);
    expect(await reload(payment)).toMatchObject({ status: 'paid', refundedAmount: 0 });
    expect((await orderOf(payment)).status).toBe('paid');
  });

  it('books a partial refund as partial when the bank names the same amount', async () => {
    const payment = await paidCard();

    const result = await request(payment, 50_000, crypto.randomUUID());

    expect(result.kind).toBe('succeeded');
    expect(await reload(payment)).toMatchObject({ status: 'paid', refundedAmount: 50_000 });
    expect((await db.refund.findFirstOrThrow({ where: { paymentId: payment.id } })).status).toBe('succeeded');
  });

  it('never marks a refund succeeded when settle refuses to book it', async () => {
    const payment = await attempt('card', 'pending');
    const refund = await db.refund.create({ data: { paymentId: payment.id, kind: 'refund', amount: 10_000, idempotencyKey: crypto.randomUUID(), createdBy: 'merchant' } });

    const applied = await applyRefundAnswer(deps(new Date()), refund, { description: OK }, 'admin');

    expect(applied.kind).toBe('needs_review');
    expect((await db.refund.findUniqueOrThrow({ where: { id: refund.id } })).status).toBe('needs_review');
    expect((await reload(payment)).refundedAmount).toBe(0);
  });
});

describe('a refund whose outcome is unknown', () => {
  it('is re-checked by the bank check, booked once when the bank made it, and its amount is no longer held', async () => {
    const payment = await paidCard();
    maintain.untrusted = true;
    const sent = await refundPayment(deps(new Date()), { paymentId: payment.id, kind: 'refund', amount: 30_000, idempotencyKey: crypto.randomUUID(), requestedBy: 'merchant' });
    expect(sent.kind).toBe('outcome_unknown');
    queryAnswers.set(payment.orderNo, entryFor(payment, { PayStatus: '1C400', RefundFlag: 'Y', RefundStatus: '2C900' }));
    const later = minutesAfter(new Date(), 16);

    const first = await recheckUnknownRefunds(deps(later), SETTINGS);
    const again = await recheckUnknownRefunds(deps(minutesAfter(later, 120)), SETTINGS);

    expect(first).toEqual([expect.objectContaining({ decision: 'succeeded', applied: 'applied' })]);
    expect(again).toEqual([]);
    expect(await reload(payment)).toMatchObject({ status: 'paid', refundedAmount: 30_000 });
    expect((await orderOf(payment)).status).toBe('partially_refunded');
    expect(await db.refund.findFirstOrThrow({ where: { paymentId: payment.id } })).toMatchObject({ status: 'succeeded', amount: 30_000 });
  });

  it('fails, releasing its amount, when the bank never made it', async () => {
    const payment = await paidCard();
    bank.misbehaviour = { hang: 'Order' };
    const sent = await refundPayment(deps(new Date()), { paymentId: payment.id, kind: 'refund', amount: payment.amount, idempotencyKey: crypto.randomUUID(), requestedBy: 'merchant' });
    expect(sent.kind).toBe('outcome_unknown');
    bank.misbehaviour = {};
    queryAnswers.set(payment.orderNo, entryFor(payment, { PayStatus: '1C400', RefundFlag: 'N' }));

    await recheckUnknownRefunds(deps(minutesAfter(new Date(), 16)), SETTINGS);

    expect((await db.refund.findFirstOrThrow({ where: { paymentId: payment.id } })).status).toBe('failed');
    expect(await reload(payment)).toMatchObject({ status: 'paid', refundedAmount: 0 });
  });

  it('recovers a refund left "requested" by a process that stopped after the bank answered', async () => {
    const payment = await paidCard();
    await applyBankResult(deps(new Date()), { paymentId: payment.id, outcome: { kind: 'refunded', amount: 20_000 }, source: 'admin' });
    await db.refund.create({ data: { paymentId: payment.id, kind: 'refund', amount: 20_000, idempotencyKey: crypto.randomUUID(), createdBy: 'merchant', status: 'succeeded' } });
    const lost = await db.refund.create({ data: { paymentId: payment.id, kind: 'refund', amount: 40_000, idempotencyKey: crypto.randomUUID(), createdBy: 'merchant' } });
    // Two refunds at the bank, one booked by the shop: the second is the one whose answer was lost.
    queryAnswers.set(payment.orderNo, entryFor(payment, { PayStatus: '1C400', RefundFlag: 'R', RefundStatus: '2C900' }));

    await recheckUnknownRefunds(deps(minutesAfter(new Date(), 16)), SETTINGS);

    expect((await db.refund.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe('succeeded');
    expect((await reload(payment)).refundedAmount).toBe(60_000);
  });

  it('waits while the bank is still processing it, then asks again later', async () => {
    const payment = await paidCard();
    const open = await db.refund.create({ data: { paymentId: payment.id, kind: 'refund', amount: 10_000, idempotencyKey: crypto.randomUUID(), createdBy: 'merchant' } });
    queryAnswers.set(payment.orderNo, entryFor(payment, { PayStatus: '1C400', RefundFlag: 'Y', RefundStatus: '2C400' }));
    const now = minutesAfter(new Date(), 16);

    expect(await recheckUnknownRefunds(deps(now), SETTINGS)).toEqual([{ refundId: open.id, decision: 'waiting' }]);
    expect(await recheckUnknownRefunds(deps(minutesAfter(now, 5)), SETTINGS)).toEqual([]);
    queryAnswers.set(payment.orderNo, entryFor(payment, { PayStatus: '1C400', RefundFlag: 'Y', RefundStatus: '2C900' }));
    expect(await recheckUnknownRefunds(deps(minutesAfter(now, 61)), SETTINGS)).toEqual([expect.objectContaining({ decision: 'succeeded' })]);
  });
});

describe('stock holds', () => {
  const release = (at: Date) => releaseStaleStockHolds(deps(at), SETTINGS);

  it('an order whose first attempt was never written gives its stock back after the hold', async () => {
    const { order, product } = await orderWithStock('card', 3);
    expect(await stockOf(product)).toBe(2);

    await release(minutesAfter(order.createdAt, SETTINGS.stockHoldMinutes - 1));
    expect(await stockOf(product)).toBe(2);
    await release(minutesAfter(order.createdAt, SETTINGS.stockHoldMinutes + 1));
    await release(minutesAfter(order.createdAt, SETTINGS.stockHoldMinutes + 2));

    expect(await stockOf(product)).toBe(3);
    expect((await db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('expired');
  });

  it('a declined card the shopper walked away from gives its stock back after the hold', async () => {
    const { order, product } = await orderWithStock('card', 3);
    const declined = await createPayment(db, order, 'failed');

    await release(minutesAfter(declined.updatedAt, SETTINGS.stockHoldMinutes + 1));

    expect(await stockOf(product)).toBe(3);
  });

  it('a card attempt holds the stock only until its link has expired, plus the grace and the hold', async () => {
    const { order, product } = await orderWithStock('card', 3);
    const link = await createPayment(db, order, 'pending');

    await release(minutesAfter(link.createdAt, SETTINGS.cardExpMinutes + 1));
    expect(await stockOf(product)).toBe(2);
    await release(minutesAfter(link.updatedAt, SETTINGS.stockHoldMinutes + 1));
    expect(await stockOf(product)).toBe(3);
  });

  it('an ATM attempt waiting for its transfer keeps the stock (the ATM expiry ends it)', async () => {
    const { order, product } = await orderWithStock('atm', 3);
    const atm = await createPayment(db, order, 'pending');

    await release(minutesAfter(atm.createdAt, 24 * 60));

    expect(await stockOf(product)).toBe(2);
  });
});

describe('OrderCreate’s answer', () => {
  it('is not trusted when it names another amount or pay type than asked', async () => {
    const fallback = simpleBank(SHOP.shopNo);
    const params = { Amount: 150_000, PrdtName: 'Tea', ReturnURL: 'https://shop.example/return', PayType: 'C' as const, CardParam: { AutoBilling: 'Y' as const } };

    bank.respond = (service, message) => ({ ...fallback(service, message), Amount: 150_100 });
    await expect(sinopac.orderCreate({ ...params, OrderNo: `OC${Date.now()}A` })).rejects.toMatchObject({ name: 'SinopacProtocolError', reason: 'mismatch' });
    bank.respond = (service, message) => ({ ...fallback(service, message), PayType: 'A', ATMParam: { AtmPayNo: '99922000000001' } });
    const otherType = await sinopac.orderCreate({ ...params, OrderNo: `OC${Date.now()}B` }).catch((error: unknown) => error);
    expect(otherType).toBeInstanceOf(SinopacProtocolError);
  });
});

describe('how often an unpaid ATM order is asked about', () => {
  it('on a thinning schedule, and once after the deadline: a handful of OrderQuery calls instead of one every 15 minutes', async () => {
    const created = new Date();
    const deadline = minutesAfter(created, 3 * 24 * 60);
    const payment = await attempt('atm', 'pending', { atmDeadline: deadline });
    queryAnswers.set(payment.orderNo, entryFor(payment, { PayStatus: '1A200' }));

    // Every minute-slot of the jobs would be too slow to replay; every 15 minutes shows the schedule.
    for (let at = minutesAfter(created, 15); at <= minutesAfter(deadline, SETTINGS.atmExpiryGraceMinutes + 120); at = minutesAfter(at, 15)) {
      await checkUndecidedAttempts(deps(at), SETTINGS);
      await expireOverdueAtmPayments(deps(at), SETTINGS);
    }

    // 15 min, 1 h 15, 5 h 15, 21 h 15, 45 h 15, 69 h 15, and once after the deadline.
    expect(queriesAbout(payment)).toBe(7);
    expect((await reload(payment)).status).toBe('expired');
  });
});

describe('applyBankResult moves every attempt', () => {
  it('starting an attempt is recorded as settle’s change, like every other', async () => {
    const { order } = await orderWithStock('card');
    const started = await startedAttempt(
      { ...deps(new Date()), settings: { publicBaseUrl: 'http://127.0.0.1:3000', atmExpireDays: 3, cardExpMinutes: 10 } },
      { orderId: order.id, payType: 'card' },
    );

    const events = await db.paymentEvent.findMany({ where: { paymentId: started.id } });
    expect(events).toMatchObject([{ fromStatus: 'creating', toStatus: 'pending', applied: true, reason: 'created (checkout)' }]);
  });
});
