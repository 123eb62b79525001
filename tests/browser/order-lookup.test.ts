// "Find my order" on a phone and on a desktop: the order was placed in another browser, and this
// one reaches it from the empty "My orders" page and from the 404 of the order's own address.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserAvailable } from '../support/browser';
import { capture, DESKTOP, PHONE, startBrowserShop, text, type BrowserShop } from '../support/browser-shop';
import { placeOrder } from '../payments/payment-flow-helpers';
import { createOrderLinks } from '../../src/orders/order-link';
import { SESSION_SECRET } from '../support/shop-harness';

describe.skipIf(!browserAvailable).concurrent('finding an order from another device', { timeout: 60_000 }, () => {
  let env: BrowserShop;

  beforeAll(async () => {
    env = await startBrowserShop();
  });
  afterAll(() => env?.close());

  for (const [device, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    it(`${device}: from "My orders" to the look-up, then to the order`, async ({ onTestFinished, expect }) => {
      const { shop } = env;
      const { order } = await placeOrder(shop, 'atm');
      const page = await env.newPage({ onTestFinished }, options);

      await page.goto(`${shop.baseUrl}/orders`);
      await page.getByTestId('lookup-link').click();
      await page.waitForURL(`${shop.baseUrl}/orders/lookup`);
      await page.getByLabel('訂單編號').fill(order.number.toLowerCase());
      await page.getByLabel('電子郵件或手機號碼').fill('0912-345-678');
      await page.getByTestId('lookup-submit').click();

      await page.waitForURL(`${shop.baseUrl}/orders/${order.id}`);
      expect(await page.locator('main').innerText()).toContain(order.number);
      await capture(page, `order-lookup-${device}`);
    });
  }

  for (const [device, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    it(`${device}: the e-mail's link opens the order with a button, which lists this browser, whose access can then be ended`, async ({ onTestFinished, expect }) => {
      const { shop } = env;
      const { order } = await placeOrder(shop, 'atm');
      const page = await env.newPage({ onTestFinished }, options);

      await page.goto(`${shop.baseUrl}${createOrderLinks(SESSION_SECRET, () => new Date()).pathFor(order.id)}`);
      await page.getByTestId('open-order').click();
      await page.waitForURL(`${shop.baseUrl}/orders/${order.id}`);
      expect(await text(page, 'order-access')).toContain('以訂單確認信的連結開啟 （這個瀏覽器）');
      await capture(page, `order-access-${device}`);

      await page.getByTestId('access-end').click();
      await page.waitForURL(`${shop.baseUrl}/orders`);
      expect(await page.locator('main').innerText()).not.toContain(order.number);
    });
  }

  it("the 404 of someone else's order leads to the look-up, which says when nothing matches", async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const { order } = await placeOrder(shop, 'atm');
    const page = await env.newPage({ onTestFinished }, PHONE);

    const response = await page.goto(`${shop.baseUrl}/orders/${order.id}`);
    expect(response?.status()).toBe(404);
    await page.getByTestId('error-help').getByRole('link').click();
    await page.waitForURL(`${shop.baseUrl}/orders/lookup`);
    await page.getByLabel('訂單編號').fill(order.number);
    await page.getByLabel('電子郵件或手機號碼').fill('wrong@example.tw');
    await page.getByTestId('lookup-submit').click();

    await page.getByTestId('lookup-problem').waitFor();
    expect(await text(page, 'lookup-problem')).toContain('找不到符合的訂單');
    await capture(page, 'order-lookup-not-found-phone');
  });
});
