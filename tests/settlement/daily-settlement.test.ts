// A whole Taipei day driven through the sandbox — card and ATM payments, a partial refund, payments
// the shop never heard about, lines the bank dropped or altered — then matched against the bank's
// BillQuery: each difference is found, and nothing else. Then the day is fetched again (nothing
// changes) and the job catches up the days it missed.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refundPayment } from '../../src/admin/refunds';
import type { Payment } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { startedAttempt } from '../support/started-attempt';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { addDays, taipeiDayBounds, taipeiDayOf } from '../../src/settlement/bank-dates';
import { fetchSettlementDay, type SettlementDependencies } from '../../src/settlement/settlement-day';
import { fetchMissingDays } from '../../src/settlement/settlement-job';
import { cardAttempt, paidCardAttempt, payAtBank, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { CapturedLogs } from '../support/log-capture';
import { createOrder, createProduct } from '../support/shop-fixtures';

const HOUR = 3_600_000;
// Shop and bank share this clock, which the database's bookings follow too. It starts at noon of a
// fixed Taipei day, so every booking of the day falls on it whatever the wall time; the tests move
// it forward to "tomorrow" and later.
const DAY = '20260310';
let offsetMs = taipeiDayBounds(DAY).start.getTime() + 12 * HOUR - Date.now();
const clock = () => new Date(Date.now() + offsetMs);

let h: AdminHarness;
let deps: SettlementDependencies;
const logs = new CapturedLogs();
const reported: Array<[string, number]> = [];
let day: string;
const control = () => h.sandbox.sandbox.control;

interface DayOfPayments {
  card: Payment;
  atm: Payment;
  refunded: Payment;
  lost: Payment;
  stray: string;
  altered: Payment;
  omitted: Payment;
  otherType: Payment;
  earlier: Payment;
}
let paid: DayOfPayments;

async function paidAtmAttempt(): Promise<Payment> {
  const product = await createProduct(h.db, { priceTwd: 880, stock: 5 });
  const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'atm' });
  const payment = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'atm' });
  const { payToken } = control().pay({ orderNo: payment.orderNo });
  const answer = await request(h.app).post('/payments/sinopac/notify').send({ ShopNo: DEMO_SHOP.shopNo, PayToken: payToken });
  expect(answer.body).toEqual({ Status: 'S' });
  return h.db.payment.findUniqueOrThrow({ where: { id: payment.id } });
}

beforeAll(async () => {
  h = await startAdminHarness({ clock });
  deps = {
    db: h.db, sinopac: h.sinopac, clock, logger: createLogger('info', logs),
    onDifferences: (d, count) => void reported.push([d, count]),
  };
  day = taipeiDayOf(clock());
  expect(day).toBe(DAY);

  const card = (await paidCardAttempt(h, 1_500)).payment;
  const atm = await paidAtmAttempt();
  const refunded = (await paidCardAttempt(h, 2_000)).payment;
  const refund = await refundPayment(h.attemptDeps, {
    paymentId: refunded.id, kind: 'refund', amount: 50_000, idempotencyKey: `refund-${refunded.id}`, requestedBy: 'test',
  });
  expect(refund.kind).toBe('succeeded');
  // Paid at the bank; every notification was lost and nobody came back from the card page.
  const lost = (await cardAttempt(h, 700)).payment;
  payAtBank(h, lost);
  // An order another system made at the same shop, which this shop never heard of.
  const stray = `STRAY${Date.now()}A`;
  await h.sinopac.orderCreate({
    OrderNo: stray, Amount: 30_000, PayType: 'C', PrdtName: 'Not ours', ReturnURL: 'http://127.0.0.1:9/r', CardParam: { AutoBilling: 'Y' },
  });
  control().pay({ orderNo: stray });
  const altered = (await paidCardAttempt(h, 1_200)).payment;
  control().setOrderFaults({ orderNo: altered.orderNo }, { billAlter: { Amount: 130_000 } });
  const omitted = (await paidCardAttempt(h, 900)).payment;
  control().setOrderFaults({ orderNo: omitted.orderNo }, { billOmit: true });
  const otherType = (await paidCardAttempt(h, 600)).payment;
  control().setOrderFaults({ orderNo: otherType.orderNo }, { billAlter: { PayType: 'A' } });
  // The shop booked this one at noon of the day before.
  const earlier = (await paidCardAttempt(h, 500)).payment;
  await h.db.moneyMovement.updateMany({ where: { paymentId: earlier.id, kind: 'payment' }, data: { occurredAt: new Date(taipeiDayBounds(day).start.getTime() - 12 * HOUR) } });
  control().setFaults({ billExtraLines: 1 });
  paid = { card, atm, refunded, lost, stray, altered, omitted, otherType, earlier };
  // Tomorrow, 03:00 in Taipei: the day is over and its bill is due.
  offsetMs = taipeiDayBounds(day).end.getTime() + 3 * HOUR - Date.now();
});
afterAll(() => h?.close());

const differencesOf = async (d: string) =>
  (await h.db.settlementDifference.findMany({ where: { day: d }, orderBy: { id: 'asc' } })).map(
    ({ kind, orderNo, tsType, bankAmount, shopAmount, bankPayType, shopPayType, shopDay, paymentId }) =>
      ({ kind, orderNo, tsType, bankAmount, shopAmount, bankPayType, shopPayType, shopDay, paymentId }),
  );

describe("a day's settlement", () => {
  it('finds each difference between the bill and the books, and nothing else', async () => {
    const stored = await fetchSettlementDay(deps, day);
    const { refunded, lost, stray, altered, omitted, otherType, earlier } = paid;
    const none = { bankAmount: null, shopAmount: null, bankPayType: null, shopPayType: null, shopDay: null, paymentId: null };
    expect(new Set(await differencesOf(day))).toEqual(new Set([
      { ...none, kind: 'missing_in_shop', orderNo: lost.orderNo, tsType: 'P', bankAmount: 70_000, bankPayType: 'card', paymentId: lost.id },
      { ...none, kind: 'missing_in_shop', orderNo: stray, tsType: 'P', bankAmount: 30_000, bankPayType: 'card' },
      { ...none, kind: 'missing_in_shop', orderNo: `EXTRA-${day}-1`, tsType: 'P', bankAmount: 10_000, bankPayType: 'atm' },
      { ...none, kind: 'amount_mismatch', orderNo: altered.orderNo, tsType: 'P', bankAmount: 130_000, shopAmount: 120_000, bankPayType: 'card', shopPayType: 'card', paymentId: altered.id },
      { ...none, kind: 'type_mismatch', orderNo: otherType.orderNo, tsType: 'P', bankAmount: 60_000, shopAmount: 60_000, bankPayType: 'atm', shopPayType: 'card', paymentId: otherType.id },
      { ...none, kind: 'date_mismatch', orderNo: earlier.orderNo, tsType: 'P', bankAmount: 50_000, shopAmount: 50_000, bankPayType: 'card', shopPayType: 'card', shopDay: addDays(day, -1), paymentId: earlier.id },
      { ...none, kind: 'missing_at_bank', orderNo: omitted.orderNo, tsType: 'P', shopAmount: 90_000, shopPayType: 'card', paymentId: omitted.id },
    ]));
    expect(refunded.amount).toBe(200_000);
    // Bank: card, ATM, refunded, lost, stray, altered, other type, earlier, the invented line; one refund.
    expect(stored).toMatchObject({
      day, state: 'differences', differenceCount: 7,
      bankPayments: 9, bankPaymentAmount: BigInt(150_000 + 88_000 + 200_000 + 70_000 + 30_000 + 130_000 + 60_000 + 50_000 + 10_000),
      bankRefunds: 1, bankRefundAmount: 50_000n,
      // Shop: card, ATM, refunded, altered, omitted, other type (the earlier one is booked the day before).
      shopPayments: 6, shopPaymentAmount: BigInt(150_000 + 88_000 + 200_000 + 120_000 + 90_000 + 60_000),
      shopRefunds: 1, shopRefundAmount: 50_000n,
    });
    expect(await h.db.settlementLine.count({ where: { day } })).toBe(10);
  });

  it('keeps every line of the bill as the bank sent it', async () => {
    const line = await h.db.settlementLine.findFirstOrThrow({ where: { day, orderNo: paid.atm.orderNo } });
    expect(line).toMatchObject({ tsType: 'P', payType: 'atm', amount: 88_000, tsNo: paid.atm.tsNo });
    expect(line.payDate).toMatch(new RegExp(`^${day}\\d{4}$`));
    const refundLine = await h.db.settlementLine.findFirstOrThrow({ where: { day, orderNo: paid.refunded.orderNo, tsType: 'R' } });
    expect(refundLine.amount).toBe(50_000);
  });

  it('logs a day with differences at error level and reports it to the hook', () => {
    const errors = logs.entries().filter((e) => e.level === 50 && e.day === day);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ differences: 7, kinds: { missing_in_shop: 3, amount_mismatch: 1, type_mismatch: 1, date_mismatch: 1, missing_at_bank: 1 } });
    expect(reported).toEqual([[day, 7]]);
  });

  it('stores the same outcome when the day is fetched again', async () => {
    const before = await differencesOf(day);
    const again = await fetchSettlementDay(deps, day);
    expect(await differencesOf(day)).toEqual(before);
    expect(await h.db.settlementLine.count({ where: { day } })).toBe(10);
    expect(await h.db.settlementDay.count()).toBe(1);
    expect(again.differenceCount).toBe(7);
  });

  it('drops the differences that were put right when the day is fetched again', async () => {
    control().setFaults({});
    for (const payment of [paid.altered, paid.omitted, paid.otherType]) control().setOrderFaults({ orderNo: payment.orderNo }, {});
    await h.db.moneyMovement.updateMany({ where: { paymentId: paid.earlier.id, kind: 'payment' }, data: { occurredAt: new Date(taipeiDayBounds(day).start.getTime() + HOUR) } });
    const stored = await fetchSettlementDay(deps, day);
    // What remains is what really differs: money the shop never booked.
    expect((await differencesOf(day)).map((d) => [d.kind, d.orderNo])).toEqual([
      ['missing_in_shop', paid.lost.orderNo],
      ['missing_in_shop', paid.stray],
    ]);
    expect(stored.state).toBe('differences');
  });
});

describe('the daily job', () => {
  it("catches up every day it missed, fetches each once, and leaves a fetched day alone", async () => {
    const fetched = await h.db.settlementDay.findUniqueOrThrow({ where: { day } });
    // Three days later, 03:00 in Taipei: the shop was down since the day was fetched.
    offsetMs = taipeiDayBounds(addDays(day, 3)).start.getTime() + 3 * HOUR - Date.now();
    const outcomes = await fetchMissingDays(deps);
    const expected = [-4, -3, -2, -1, 1, 2].map((n) => addDays(day, n));
    expect(outcomes).toEqual(expected.map((d) => ({ day: d, kind: 'fetched', differences: 0 })));
    expect(await h.db.settlementDay.findUniqueOrThrow({ where: { day } })).toEqual(fetched);
    const empty = await h.db.settlementDay.findUniqueOrThrow({ where: { day: addDays(day, 1) } });
    expect(empty).toMatchObject({ state: 'balanced', bankPayments: 0, shopPayments: 0, differenceCount: 0 });
    expect(await fetchMissingDays(deps)).toEqual([]);
  });

  it("does not ask for a day's bill before 02:00 the next day in Taipei", async () => {
    offsetMs = taipeiDayBounds(addDays(day, 4)).start.getTime() + HOUR - Date.now();
    expect(await fetchMissingDays(deps)).toEqual([]);
    offsetMs += 2 * HOUR;
    expect(await fetchMissingDays(deps)).toEqual([{ day: addDays(day, 3), kind: 'fetched', differences: 0 }]);
  });
});
