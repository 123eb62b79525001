// The BackendURL notification and the ReturnURL, delivered by the sandbox over real HTTP in every
// order and number the bank may use, plus what an attacker or a broken bank may send.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPROVED_CARD } from '../../packages/sinopac-sandbox/test/support/card-page';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { getWithCookie, notify, payOnCardPage, placeOrder, postReturnForm } from './payment-flow-helpers';

let shop: ShopHarness;

beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());
beforeEach(() => void shop.sandbox.sandbox.control.setFaults({}));

const control = () => shop.sandbox.sandbox.control;
const acknowledged = (orderNo: string) => control().deliveries({ orderNo }).filter((d) => d.outcome === 'acknowledged');
const statusOf = async (paymentId: string) => (await shop.db.payment.findUniqueOrThrow({ where: { id: paymentId } })).status;

describe('an ATM payment', () => {
  it('is paid when the sandbox takes the transfer and notifies the shop', async () => {
    const { order, payment, product } = await placeOrder(shop, 'atm', { stock: 3 });
    expect(payment.atmPayNo).toMatch(/^\d{14}$/);
    expect(control().order({ orderNo: payment.orderNo }).atm?.expireDate).toMatch(/^\d{8}$/);

    control().pay({ orderNo: payment.orderNo });

    await eventually(async () => (await statusOf(payment.id)) === 'paid');
    expect(await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'paid' });
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);
    await eventually(async () => acknowledged(payment.orderNo).length === 1);
    expect(await shop.db.payToken.findMany({ where: { paymentId: payment.id } })).toMatchObject([{ source: 'backend', outcome: 'applied' }]);
  });
});

describe('the notification and the return', () => {
  it('webhook first: the return finds the attempt already paid', async () => {
    const { order, payment, cookie } = await placeOrder(shop, 'card');
    const form = await payOnCardPage(payment, APPROVED_CARD);
    await eventually(async () => acknowledged(payment.orderNo).length === 1);
    expect(await statusOf(payment.id)).toBe('paid');

    const back = await postReturnForm(form);

    expect(back.headers.get('location')).toBe(`/orders/${order.id}/result`);
    expect((await getWithCookie(shop, `/orders/${order.id}/result`, cookie)).text).toContain('data-testid="result-success"');
    const rows = await shop.db.payToken.findMany({ where: { paymentId: payment.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.source, r.outcome])).toEqual([['backend', 'applied'], ['return', 'already_applied']]);
  });

  it('return first: the late webhook changes nothing and is answered S', async () => {
    const { payment, product } = await placeOrder(shop, 'card', { stock: 5 });
    control().setOrderFaults({ orderNo: payment.orderNo }, { delayMs: 1_000 });
    const form = await payOnCardPage(payment, APPROVED_CARD);

    await postReturnForm(form);
    expect(await statusOf(payment.id)).toBe('paid');
    await eventually(async () => acknowledged(payment.orderNo).length === 1);

    const rows = await shop.db.payToken.findMany({ where: { paymentId: payment.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.source, r.outcome])).toEqual([['return', 'applied'], ['backend', 'already_applied']]);
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(4);
  });

  it('a notification delivered five times at once, and again later, is applied once and answered S each time', async () => {
    const { payment, product } = await placeOrder(shop, 'atm', { stock: 5 });
    control().setOrderFaults({ orderNo: payment.orderNo }, { duplicate: 4 });

    control().pay({ orderNo: payment.orderNo });
    await eventually(async () => control().deliveries({ orderNo: payment.orderNo }).length === 5);
    control().resendNotification({ orderNo: payment.orderNo });
    await eventually(async () => control().deliveries({ orderNo: payment.orderNo }).length === 10);

    const deliveries = control().deliveries({ orderNo: payment.orderNo });
    expect(deliveries.map((d) => [d.statusCode, d.body])).toEqual(Array(10).fill([200, '{"Status":"S"}']));
    expect(await statusOf(payment.id)).toBe('paid');
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(4);
    expect(await shop.db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(2); // creating→pending, pending→paid
    const outcomes = (await shop.db.payToken.findMany({ where: { paymentId: payment.id } })).map((r) => r.outcome);
    expect(outcomes).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'applied').every((o) => o === 'already_applied')).toBe(true);
  });

  it('when the bank cannot answer the pay query, answers non-S and is settled by the next delivery', async () => {
    const { payment } = await placeOrder(shop, 'atm');
    control().setOrderFaults({ orderNo: payment.orderNo }, { payQueryFail: 1 });

    control().pay({ orderNo: payment.orderNo });

    await eventually(async () => acknowledged(payment.orderNo).length === 1);
    const [first, second] = control().deliveries({ orderNo: payment.orderNo });
    expect([first?.statusCode, first?.body]).toEqual([503, '{"Status":"F"}']);
    expect(second?.outcome).toBe('acknowledged');
    expect(await statusOf(payment.id)).toBe('paid');
    const rows = await shop.db.payToken.findMany({ where: { token: first!.payToken }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.outcome)).toEqual(['unavailable:bank_unreachable', 'applied']);
  });
});

describe('deliveries that must not pay anything', () => {
  it('an amount the bank reports differently is recorded, answered S, and not paid', async () => {
    const { order, payment } = await placeOrder(shop, 'atm');
    control().setOrderFaults({ orderNo: payment.orderNo }, { wrongAmount: 100 });

    control().pay({ orderNo: payment.orderNo });

    await eventually(async () => acknowledged(payment.orderNo).length === 1);
    expect(await statusOf(payment.id)).toBe('pending');
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('awaiting_payment');
    const refused = await shop.db.paymentEvent.findMany({ where: { paymentId: payment.id, applied: false } });
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toContain(`Amount ${payment.amount + 100} is not ${payment.amount}`);
    expect(await shop.db.payToken.findMany({ where: { paymentId: payment.id } })).toMatchObject([{ outcome: 'mismatch' }]);
  });

  it('an unknown PayToken is recorded and answered S, since asking again cannot help', async () => {
    const token = randomBytes(32).toString('hex');

    const response = await notify(shop, JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: token }));

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"Status":"S"}');
    expect(await shop.db.payToken.findMany({ where: { token } })).toMatchObject([{ source: 'backend', outcome: 'unknown' }]);
  });

  it('an unknown PayToken on the return shows a clear error page', async () => {
    const response = await postReturnForm({
      action: `${shop.baseUrl}/payments/sinopac/return`,
      method: 'post',
      fields: { ShopNo: DEMO_SHOP.shopNo, PayToken: randomBytes(32).toString('hex') },
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain('data-testid="return-problem"');
  });

  it.each([
    ['malformed JSON', '{"ShopNo":', 'application/json', 400],
    ['a form instead of JSON', `ShopNo=${DEMO_SHOP.shopNo}&PayToken=abc`, 'application/x-www-form-urlencoded', 415],
    ['a missing PayToken', JSON.stringify({ ShopNo: DEMO_SHOP.shopNo }), 'application/json', 400],
    ['another shop', JSON.stringify({ ShopNo: 'XX9999_001', PayToken: 'abc' }), 'application/json', 400],
    ['an oversized body', JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: 'a'.repeat(5000) }), 'application/json', 413],
  ])('a notification with %s is refused with a non-S answer', async (_case, body, contentType, status) => {
    const paidBefore = await shop.db.payment.count({ where: { status: 'paid' } });

    const response = await notify(shop, body, contentType);

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ Status: 'F' });
    expect(await shop.db.payment.count({ where: { status: 'paid' } })).toBe(paidBefore);
  });
});
