// The shopper knows their order by the shop's number (FS…): it is on the bank's card page (in the
// product name, the one field of OrderCreate that page shows), and the bank's own number for the
// attempt stays in the back office.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productNameForBank } from '../../src/sinopac/product-name';
import { getPage } from '../../packages/sinopac-sandbox/test/support/card-page';
import { startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie, placeOrder } from '../payments/payment-flow-helpers';

let shop: ShopHarness;
beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());

describe("the shop's order number", () => {
  it('comes first in the product name, never cut, within the bank\'s 60 bytes', () => {
    const number = 'FS20261206ABCD2345';
    expect(productNameForBank([{ name: '土鳳梨酥禮盒', quantity: 2 }], number)).toBe(`${number} 土鳳梨酥禮盒 x2`);
    const long = productNameForBank([{ name: '阿里山高山烏龍茶'.repeat(4), quantity: 1 }], number);
    expect(long.startsWith(`${number} 阿里山`)).toBe(true);
    expect(long.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(long, 'utf8')).toBeLessThanOrEqual(60);
    expect(productNameForBank([{ name: '%"\'', quantity: 1 }], number)).toBe(number);
  });

  it('is on the card page and the order page; the bank\'s attempt number is on neither of the shop\'s pages', async () => {
    const { order, payment, cookie } = await placeOrder(shop, 'card');
    const cardPage = await getPage(payment.cardPayUrl!);
    expect(cardPage.text).toContain(order.number);
    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(page.text).toContain(order.number);
    expect(page.text).not.toContain(payment.orderNo);
    const result = await getWithCookie(shop, `/orders/${order.id}/result`, cookie);
    expect(result.text).toContain(order.number);
    expect(result.text).not.toContain(payment.orderNo);
  });
});
