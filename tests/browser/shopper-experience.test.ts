// What a shopper meets around the bank's pages, on a desktop (1280 wide) and a phone
// (390×844), in real Chromium against the shop and the sandbox: Back from the card page, a return
// the bank cannot confirm yet, the ATM page updating itself, the checkout form, the result pages,
// and accessibility. axe-core checks every shop page these scenarios stop on.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { browserAvailable } from '../support/browser';
import {
  DECLINED_CARD,
  DESKTOP,
  GOOD_CARD,
  PHONE,
  SHOPPER,
  addToCart,
  capture,
  fillCardPage,
  fillCheckout,
  placeCardOrder,
  smallTapTargets,
  startBrowserShop,
  submitCardPage,
  text,
  type BrowserShop,
} from '../support/browser-shop';
import { eventually } from '../support/shop-harness';

const SCREENS: Array<[string, BrowserContextOptions]> = [['desktop', DESKTOP], ['phone', PHONE]];

/** The accessibility checks every page of these scenarios gets: axe-core, and tap targets. */
async function checkPage(page: Page): Promise<void> {
  await expectAccessible(page);
  expect(await smallTapTargets(page), `small tap targets on ${new URL(page.url()).pathname}`).toEqual([]);
}

describe.skipIf(!browserAvailable)('the shopper around the bank', { timeout: 120_000, concurrent: true }, () => {
  let env: BrowserShop;

  beforeAll(async () => {
    env = await startBrowserShop();
  });
  afterAll(() => env?.close());

  const control = () => env.shop.sandbox.sandbox.control;
  // The card page can be open before the shop has stored its link: the redirect goes out first.
  const paymentOnCardPage = (page: Page) => eventually(() => env.shop.db.payment.findFirst({ where: { cardPayUrl: page.url() } }));

  describe.each(SCREENS)('on a %s', (screen, options) => {
    it.concurrent('1: Back from the card page shows the emptied cart and the unpaid order to continue', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'alishan-oolong');
      await fillCheckout(page, shop, 'card');
      await placeCardOrder(page, shop);

      // Back returns to the checkout page, asked for again (no-store): with the cart emptied by the
      // order it sends the shopper on to the cart, which points to the unpaid order.
      await page.goBack();
      await page.waitForURL(`${shop.baseUrl}/cart`);
      await page.getByTestId('unpaid-order').waitFor();
      expect(await page.getByTestId('cart-empty').isVisible()).toBe(true);
      expect(await text(page, 'unpaid-order')).toContain('NT$1,280');
      await checkPage(page);
      await capture(page, `${screen}-1-unpaid-order`, screen === 'phone' ? 'phone-unpaid-order' : undefined);

      await page.getByTestId('unpaid-continue').click();
      await page.getByTestId('card-continue').waitFor();
      await checkPage(page);
    });

    it.concurrent('2: a return the bank cannot confirm yet shows "confirming", then the outcome by itself', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'beigang-sesame-oil');
      await fillCheckout(page, shop, 'card');
      await placeCardOrder(page, shop);
      const payment = await paymentOnCardPage(page);
      // The return's status check fails once, and the notification does not come meanwhile.
      control().setOrderFaults({ orderNo: payment.orderNo }, { payQueryFail: 1, dropFirst: 5 });
      await fillCardPage(page, GOOD_CARD);
      await submitCardPage(page, shop);

      await page.getByTestId('confirming').waitFor();
      expect(await text(page, 'result-heading')).toBe('正在確認您的付款');
      expect(await text(page, 'order-number')).toMatch(/^FS\d{8}/);
      expect(await text(page, 'result-amount')).toMatch(/^NT\$/);
      expect(await text(page, 'confirming-dont-pay')).toBe('您可能已經被扣款，請不要重複付款。');
      expect(await page.getByTestId('pay-again').count()).toBe(0);
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      await checkPage(page);
      await capture(page, `${screen}-2-confirming`, screen === 'desktop' ? 'confirming' : undefined);

      // The bank's notification arrives: the page, polling its status, turns into the result.
      control().setOrderFaults({ orderNo: payment.orderNo }, {});
      control().resendNotification({ orderNo: payment.orderNo });
      await page.getByTestId('result-success').waitFor({ timeout: 30_000 });
      await checkPage(page);
    });

    it.concurrent('5: the ATM page confirms the order, groups the account, names Taipei time and updates when paid', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'hakka-floral-tote');
      await fillCheckout(page, shop, 'atm');
      await page.getByTestId('place-order').click();
      await page.getByTestId('atm-instructions').waitFor();

      expect(await text(page, 'order-placed')).toContain('訂單已成立');
      expect(await text(page, 'atm-account')).toMatch(/^\d{4} \d{4} \d{4} \d{2}$/);
      expect(await text(page, 'atm-deadline-zone')).toBe('（台北時間）');
      expect(await page.getByTestId('order-status').getAttribute('class')).toContain('text-bg-warning');
      await checkPage(page);
      await capture(page, `${screen}-5-atm`);

      // The bank's number for the attempt is the back office's, not shown to the shopper.
      const { orderNo } = await env.shop.db.payment.findFirstOrThrow({ where: { orderId: page.url().split('/').at(-1) } });
      control().pay({ orderNo });
      await page.locator('[data-testid="order-status"].text-bg-success').waitFor({ timeout: 30_000 });
      expect(await text(page, 'order-status')).toBe('已付款');
      await checkPage(page);
    });

    it.concurrent('6: checkout asks for the address, shows the shipping fee, explains errors and keeps typing across the language switch', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'nougat-crackers');
      await page.getByTestId('go-to-checkout').click();
      await page.waitForURL(`${shop.baseUrl}/checkout`);
      expect(await text(page, 'checkout-shipping')).toBe('NT$100');
      expect(await text(page, 'shipping-rule')).toContain('NT$1,000');
      expect(await page.locator('input[placeholder]').count()).toBe(0);
      await checkPage(page);

      await page.locator('#name').fill(SHOPPER.name);
      await page.locator('#email').fill(SHOPPER.email);
      await page.locator('#phone').fill('＋８８６ ９１２－３４５－６７８');
      await page.locator('#postcode').fill('12');
      if (screen === 'phone') await page.getByTestId('menu-button').tap();
      await page.getByTestId('lang-en').click();
      await page.waitForURL(`${shop.baseUrl}/checkout?lang=en`);
      expect(await page.locator('#name').inputValue()).toBe(SHOPPER.name);
      expect(await page.locator('#phone').inputValue()).toBe('＋８８６ ９１２－３４５－６７８');

      await page.getByTestId('place-order').click();
      await page.getByTestId('checkout-errors').waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('checkout-errors');
      expect(await page.locator('#postcode').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#postcode').getAttribute('aria-describedby')).toBe('postcode-hint postcode-error');
      expect(await page.locator('#phone').getAttribute('aria-invalid')).toBeNull();
      await checkPage(page);
      await capture(page, `${screen}-6-checkout-errors`);

      await page.locator('#postcode').fill(SHOPPER.postcode);
      await page.locator('#city').selectOption(SHOPPER.city);
      await page.locator('#district').fill(SHOPPER.district);
      await page.locator('#street').fill(SHOPPER.street);
      await page.locator('#payType-atm').check();
      await page.getByTestId('place-order').click();
      await page.getByTestId('atm-instructions').waitFor();
      expect(await text(page, 'delivery-address')).toContain('106 臺北市大安區復興南路一段 390 號 3 樓');
      expect(await text(page, 'delivery-address')).toContain('0912345678');
      // NT$380 of goods and NT$100 shipping.
      expect(await text(page, 'order-total')).toBe('NT$480');
      await checkPage(page);
    });

    it.concurrent('7: a declined card says why and that nothing was charged, offers ATM too; a paid one shows items, address and the e-mail', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'dried-irwin-mango');
      await fillCheckout(page, shop, 'card');
      await placeCardOrder(page, shop);
      await fillCardPage(page, DECLINED_CARD);
      await submitCardPage(page, shop);

      await page.getByTestId('result-failure').waitFor();
      expect(await text(page, 'failure-reason')).toContain('發卡銀行沒有核准');
      expect(await text(page, 'not-charged')).toContain('這次沒有扣款');
      expect(await page.getByTestId('pay-again-atm').isVisible()).toBe(true);
      await checkPage(page);
      await capture(page, `${screen}-7-declined`);

      await page.getByTestId('pay-again').click();
      await page.getByRole('heading', { level: 1, name: '信用卡付款', exact: true }).waitFor();
      await fillCardPage(page, GOOD_CARD);
      await submitCardPage(page, shop);
      await page.getByTestId('result-success').waitFor();
      expect(await text(page, 'confirmation-sent')).toContain(SHOPPER.email);
      expect(await text(page, 'order-items')).toContain('× 1');
      expect(await text(page, 'delivery-address')).toContain(SHOPPER.street);
      await checkPage(page);
      await capture(page, `${screen}-7-paid`);
    });

    it.concurrent('9: a quantity changed without pressing update reaches checkout; the shop\'s policy pages', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'nougat-crackers');
      const unitPrice = Number((await text(page, 'cart-line-price')).replace(/\D/g, ''));
      await page.getByTestId('cart-line-quantity').fill('3');
      await page.getByTestId('go-to-checkout').click();
      await page.waitForURL(`${shop.baseUrl}/checkout`);
      await page.goto(`${shop.baseUrl}/cart`);
      expect(await page.getByTestId('cart-line-quantity').inputValue()).toBe('3');
      expect(await text(page, 'cart-total')).toBe(`NT$${(unitPrice * 3).toLocaleString('en-US')}`);

      for (const path of ['/terms', '/returns', '/privacy', '/contact']) {
        await page.getByTestId('footer-links').locator(`a[href="${path}"]`).click();
        await page.waitForURL(`${shop.baseUrl}${path}`);
        await checkPage(page);
      }
      await capture(page, `${screen}-9-contact`);
    });

    it.concurrent('10: a second checkout in the same browser offers the last details, never in another browser', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'bubble-tea-kit');
      await fillCheckout(page, shop, 'atm');
      expect(await page.getByTestId('remembered-details').isVisible()).toBe(false);
      await page.getByTestId('place-order').click();
      await page.getByTestId('atm-instructions').waitFor();

      await addToCart(page, shop, 'mullet-roe');
      await page.getByTestId('go-to-checkout').click();
      await page.waitForURL(`${shop.baseUrl}/checkout`);
      await page.getByTestId('remembered-details').waitFor();
      expect(await page.locator('#name').inputValue()).toBe(SHOPPER.name);
      expect(await page.locator('#email').inputValue()).toBe(SHOPPER.email);
      expect(await page.locator('#city').inputValue()).toBe(SHOPPER.city);
      expect(await page.locator('#street').inputValue()).toBe(SHOPPER.street);
      await checkPage(page);
      await capture(page, `${screen}-10-remembered`);

      // Another browser starts blank.
      const other = await env.newPage({ onTestFinished }, options);
      await addToCart(other, shop, 'mullet-roe');
      await other.getByTestId('go-to-checkout').click();
      await other.waitForURL(`${shop.baseUrl}/checkout`);
      expect(await other.locator('#name').inputValue()).toBe('');
      expect(await other.getByTestId('remembered-details').isVisible()).toBe(false);

      // "Clear these details" empties the form and forgets them in this browser.
      await page.getByTestId('forget-details').click();
      expect(await page.locator('#name').inputValue()).toBe('');
      expect(await page.evaluate(() => localStorage.getItem('checkout-last'))).toBeNull();
      await page.reload();
      expect(await page.locator('#email').inputValue()).toBe('');
    });

    it.concurrent('8: skip link, focus ring, labelled menu, cart count, logo, favicon and ISO dates in English', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'taiwan-cypress-soap');
      await checkPage(page);

      // The first Tab reaches the skip link, visibly; following it moves to the main content.
      await page.keyboard.press('Tab');
      const skip = page.getByTestId('skip-link');
      expect(await skip.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await skip.isVisible()).toBe(true);
      expect(await skip.evaluate((element) => getComputedStyle(element).outlineStyle)).not.toBe('none');
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

      const cartCount = page.getByTestId(screen === 'phone' ? 'cart-count-phone' : 'cart-count');
      expect(await cartCount.isVisible()).toBe(true);
      expect((await cartCount.innerText()).trim()).toMatch(/^1\b/);
      expect(await page.locator('.navbar-brand img').getAttribute('src')).toBe('/static/img/logo.svg');
      expect(await page.locator('.navbar-brand').innerText()).not.toContain('🌾');
      const favicon = await page.locator('link[rel="icon"]').getAttribute('href');
      expect((await page.request.get(`${shop.baseUrl}${favicon}`)).status()).toBe(200);
      expect(await page.getByTestId('menu-button').getAttribute('aria-label')).toBe('選單');

      await fillCheckout(page, shop, 'atm');
      // A checkout field shows the shop's own focus ring (3 px of its green), not Bootstrap's glow.
      await page.locator('#email').focus();
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const ring = await page.locator('#email').evaluate((element) => ({ focused: element === document.activeElement, style: getComputedStyle(element).outlineStyle, width: getComputedStyle(element).outlineWidth, color: getComputedStyle(element).outlineColor }));
      expect(ring).toEqual({ focused: true, style: 'solid', width: '3px', color: 'rgb(11, 93, 54)' });
      await page.getByTestId('place-order').click();
      await page.getByTestId('atm-instructions').waitFor();
      // The stand-alone links are 44 px tall: back to My orders, and the look-up from My orders.
      expect((await page.getByTestId('back-to-orders').boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await page.goto(`${shop.baseUrl}/orders`);
      expect((await page.getByTestId('lookup-link').boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await checkPage(page);
      await page.goto(`${shop.baseUrl}/orders?lang=en`);
      expect(await page.getByTestId('menu-button').getAttribute('aria-label')).toBe('Menu');
      expect(await text(page, 'order-date')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      await checkPage(page);
      await capture(page, `${screen}-8-orders-en`);
    });
  });
});
