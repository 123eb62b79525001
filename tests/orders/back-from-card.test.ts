// Back from the bank's card page with the card link still open, the unpaid order offers at once
// "pay by ATM instead" and "cancel this order". Switching supersedes the card attempt (the bank
// cannot close it) and mails the ATM account; a late payment on the card then pays the order by
// card. Cancelling leaves the card link open at the bank, and money on it follows the
// closed-order rule: the attempt is paid, the order stays cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie, hiddenField, placeOrder } from '../payments/payment-flow-helpers';

let shop: ShopHarness;

beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());

const control = () => shop.sandbox.sandbox.control;

async function postForm(path: string, cookie: string, fields: Record<string, string>) {
  const response = await fetch(new URL(path, shop.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, location: response.headers.get('location') };
}

describe('an unpaid order whose card link is open', () => {
  it('offers ATM instead and cancel at once; switching mails the account and a late card payment pays the order', async () => {
    const { order, payment: card, cookie } = await placeOrder(shop, 'card');
    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(page.text).toContain('data-testid="card-continue"');
    expect(page.text).toContain('data-testid="switch-to-atm"');
    expect(page.text).toContain('data-testid="card-cancel-button"');

    const switched = await postForm(`/orders/${order.id}/payments`, cookie, { _csrf: hiddenField(page.text, '_csrf'), payType: 'atm' });
    expect(switched).toEqual({ status: 303, location: `/orders/${order.id}` });
    const attempts = await shop.db.payment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
    expect(attempts.map((a) => [a.payType, a.status])).toEqual([['card', 'pending'], ['atm', 'pending']]);
    expect(await shop.db.mailOutbox.count({ where: { orderId: order.id, kind: 'atm_account_reissued', paymentId: attempts[1]!.id } })).toBe(1);
    const after = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(after.text).toContain('data-testid="atm-instructions"');
    expect(after.text).toContain('data-testid="order-pay-type">ATM 轉帳（虛擬帳號）<');
    expect(after.text).not.toContain('data-testid="switch-to-atm"');

    control().pay({ orderNo: card.orderNo });
    await eventually(async () => (await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'paid');
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).payType).toBe('card');
  });

  it('cancels at once; money on the open card link leaves the order cancelled', async () => {
    const { order, payment: card, cookie } = await placeOrder(shop, 'card');
    const page = await getWithCookie(shop, `/orders/${order.id}?lang=en`, cookie);
    expect(page.text).toContain('Pay by ATM transfer instead');
    const cancelled = await postForm(`/orders/${order.id}/cancel`, cookie, { _csrf: hiddenField(page.text, '_csrf') });
    expect(cancelled.status).toBe(303);
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('cancelled');

    control().pay({ orderNo: card.orderNo });
    await eventually(async () => (await shop.db.payment.findUniqueOrThrow({ where: { id: card.id } })).status === 'paid');
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('cancelled');
  });

  it('offers no ATM switch for an order over the bank\'s ATM cap', async () => {
    const { order, cookie } = await placeOrder(shop, 'card', { priceTwd: 60_000 });
    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(page.text).toContain('data-testid="card-continue"');
    expect(page.text).not.toContain('data-testid="switch-to-atm"');
  });
});
