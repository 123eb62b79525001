// The shop in both its languages, switched with the navbar's language link, and on a phone: a
// 390×844 touch screen where every page of a checkout must fit the screen's width, with nothing to
// scroll sideways. Real Chromium; each test is its own shopper, so the tests run side by side.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser';
import {
  GOOD_CARD,
  PHONE,
  SHOPPER,
  addToCart,
  capture,
  fillCardPage,
  fillCheckout,
  horizontalFit,
  placeCardOrder,
  startBrowserShop,
  submitCardPage,
  text,
  type BrowserShop,
} from '../support/browser-shop';

const navLinks = async (page: Page) => (await page.locator('nav .navbar-nav .nav-link').allInnerTexts()).map((s) => s.trim());
const labels = async (page: Page) => (await page.locator('main form label').allInnerTexts()).map((s) => s.trim().split('\n')[0]!.trim());

const PHONE_WIDTH = PHONE.viewport!.width;

/**
 * Fails naming the page when anything on it is wider than the phone's screen. A mobile browser
 * widens its layout viewport to fit content that overflows, so window.innerWidth grows with the
 * overflow: it must still be the screen's width, not merely as wide as the document.
 */
async function expectFitsWidth(page: Page): Promise<void> {
  const where = new URL(page.url()).pathname;
  const { scrollWidth, innerWidth } = await horizontalFit(page);
  expect(innerWidth, `window width on ${where}`).toBe(PHONE_WIDTH);
  expect(scrollWidth, `document width on ${where}`).toBeLessThanOrEqual(innerWidth);
}

/** Fails when the element is cut off at the screen's right edge (say, a table scrolled inside its box). */
async function expectOnScreen(page: Page, testId: string): Promise<void> {
  const box = await page.getByTestId(testId).first().boundingBox();
  expect(box, `${testId} is displayed`).not.toBeNull();
  expect(box!.x + box!.width, `right edge of ${testId}`).toBeLessThanOrEqual(PHONE_WIDTH);
}

// A dozen page loads a test: more than the default 30 s may pass on a busy machine.
describe.skipIf(!browserAvailable).concurrent('the shop in English and Chinese, and on a phone', { timeout: 60_000 }, () => {
  let env: BrowserShop;

  beforeAll(async () => {
    env = await startBrowserShop();
  });
  afterAll(() => env?.close());

  it('language: switches with the navbar link and keeps it from page to page', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished }); // a browser asking for zh-TW
    await page.goto(`${shop.baseUrl}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-TW');
    expect(await page.locator('h1').innerText()).toBe('全部商品');
    expect(await page.locator('.navbar-brand').innerText()).toContain('豐收商店');
    expect(await navLinks(page)).toEqual(['商品', '分類', '購物車', '我的訂單', 'English']);
    expect(await page.getByTestId('add-to-cart').first().innerText()).toBe('加入購物車');
    expect(await page.locator('[data-slug="alishan-oolong"]').getByTestId('product-name').innerText()).toBe('阿里山高山烏龍茶 150g');

    await page.getByTestId('lang-en').click();
    await page.waitForURL(`${shop.baseUrl}/?lang=en`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('All products');
    expect(await page.locator('.navbar-brand').innerText()).toContain('Fengshou Shop');
    expect(await navLinks(page)).toEqual(['Products', 'Categories', 'Cart', 'My orders', '中文']);
    expect(await page.getByTestId('add-to-cart').first().innerText()).toBe('Add to cart');
    expect(await page.locator('[data-slug="alishan-oolong"]').getByTestId('product-name').innerText()).toBe(
      'Alishan High-Mountain Oolong, 150 g',
    );
    await capture(page, 'language-catalog-en');

    // The choice is remembered: the next pages, reached without ?lang=, are English too.
    await page.locator('[data-slug="alishan-oolong"]').getByTestId('add-to-cart').click();
    await page.waitForURL(`${shop.baseUrl}/cart`);
    expect(await page.locator('h1').innerText()).toBe('Cart');
    expect(await page.getByTestId('go-to-checkout').innerText()).toBe('Check out');
    await page.getByTestId('go-to-checkout').click();
    await page.waitForURL(`${shop.baseUrl}/checkout`);
    expect(await page.locator('h1').innerText()).toBe('Checkout');
    expect(await labels(page)).toEqual([
      'Name', 'E-mail', 'Mobile phone', "Recipient's name (optional)", "Recipient's mobile (optional)",
      'Postcode', 'County or city', 'District or township', 'Street address',
      // The e-invoice choice; the fields of the recipients not chosen are hidden (their labels read as their text).
      'Member carrier', 'Mobile barcode', 'Citizen certificate', 'Company (tax ID)', 'Donation',
      'Mobile barcode', 'Citizen certificate number', 'Tax ID (統一編號)', 'Company name',
      'Genesis Social Welfare Foundation (919)', 'Childhood Cancer Foundation (88888)', 'Taiwan Fund for Children and Families (North Tainan) (2085)',
      'Another donation code', 'Donation code',
      'Credit card', 'ATM transfer (virtual account)',
      'Remember my details in this browser for next time (kept on this device only)',
    ]);
    expect(await page.getByTestId('place-order').innerText()).toBe('Place order and pay');
    await capture(page, 'language-checkout-en');

    // An ATM order placed in English shows its instructions in English…
    await page.locator('#name').fill(SHOPPER.name);
    await page.locator('#email').fill(SHOPPER.email);
    await page.locator('#phone').fill(SHOPPER.phone);
    await page.locator('#postcode').fill(SHOPPER.postcode);
    await page.locator('#city').selectOption(SHOPPER.city);
    await page.locator('#district').fill(SHOPPER.district);
    await page.locator('#street').fill(SHOPPER.street);
    await page.locator('#payType-atm').check();
    await page.getByTestId('place-order').click();
    await page.getByTestId('atm-instructions').waitFor();
    expect(await page.getByTestId('atm-instructions').innerText()).toContain('Pay by ATM transfer');
    expect(await page.getByTestId('atm-instructions').innerText()).toContain('Virtual account');
    expect(await text(page, 'order-status')).toBe('Awaiting payment');
    expect(await text(page, 'payment-status')).toBe('Waiting for payment');
    expect(await text(page, 'atm-copy')).toBe('Copy account number');
    const orderPath = new URL(page.url()).pathname;

    // …and switching back to Chinese on that page shows the same order in Chinese.
    await page.getByTestId('lang-zh').click();
    await page.waitForURL(`${shop.baseUrl}${orderPath}?lang=zh-TW`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-TW');
    expect(await page.getByTestId('atm-instructions').innerText()).toContain('請以 ATM 轉帳付款');
    expect(await page.getByTestId('atm-instructions').innerText()).toContain('虛擬帳號');
    expect(await text(page, 'order-status')).toBe('待付款');
    expect(await text(page, 'payment-status')).toBe('等待付款');
    expect(await text(page, 'atm-copy')).toBe('複製帳號');
    expect(await navLinks(page)).toEqual(['商品', '分類', '購物車', '我的訂單', 'English']);
    await capture(page, 'language-order-zh');

    await page.goto(`${shop.baseUrl}/orders`);
    expect(await page.locator('h1').innerText()).toBe('我的訂單');
    expect(await text(page, 'order-pay-type')).toBe('ATM 轉帳（虛擬帳號）');
  });

  it('language: follows an English-speaking browser until told otherwise', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished }, { viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await page.goto(`${shop.baseUrl}/cart`);
    expect(await page.locator('h1').innerText()).toBe('Cart');
    expect(await page.getByTestId('cart-empty').innerText()).toBe('Your cart is empty.');

    await page.getByTestId('lang-zh').click();
    await page.waitForURL(`${shop.baseUrl}/cart?lang=zh-TW`);
    expect(await page.locator('h1').innerText()).toBe('購物車');
    expect(await page.getByTestId('cart-empty').innerText()).toBe('購物車是空的。');
    await page.goto(`${shop.baseUrl}/orders`);
    expect(await page.locator('h1').innerText()).toBe('我的訂單');
    expect(await page.getByTestId('orders-empty').innerText()).toBe('您還沒有訂單。');
    await capture(page, 'language-orders-zh');
  });

  it('phone: a card checkout works, and no page is wider than the screen', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished }, PHONE);
    await page.goto(`${shop.baseUrl}/`);
    await expectFitsWidth(page);
    // The navbar folds into its menu button; the menu opens on a tap.
    expect(await page.getByTestId('nav-cart').isVisible()).toBe(false);
    await page.locator('.navbar-toggler').tap();
    await page.getByTestId('nav-cart').waitFor({ state: 'visible' });
    await expectFitsWidth(page);

    await addToCart(page, shop, 'mullet-roe');
    await expectFitsWidth(page);
    await fillCheckout(page, shop, 'card');
    await expectFitsWidth(page);
    await capture(page, 'phone-checkout');
    await placeCardOrder(page, shop);
    await expectFitsWidth(page);
    await fillCardPage(page, GOOD_CARD);
    await capture(page, 'phone-card-page');
    await submitCardPage(page, shop);
    await page.getByTestId('result-success').waitFor();
    expect(await text(page, 'result-success')).toContain('付款已完成');
    await expectFitsWidth(page);
    await capture(page, 'phone-result');

    await page.getByTestId('my-orders').tap();
    await page.waitForURL(`${shop.baseUrl}/orders`);
    expect(await text(page, 'order-status')).toBe('已付款');
    await expectFitsWidth(page);
    await page.getByTestId('order-link').tap();
    await page.getByTestId('payment-attempts').waitFor();
    expect(await text(page, 'payment-status')).toBe('付款成功');
    await expectFitsWidth(page);
    for (const testId of ['order-status', 'order-total', 'payment-method', 'payment-status']) await expectOnScreen(page, testId);
    await capture(page, 'phone-order-detail');
  });

  it('phone: the ATM instructions fit the screen, in both languages', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished }, PHONE);
    await addToCart(page, shop, 'hakka-floral-tote');
    await fillCheckout(page, shop, 'atm');
    await page.getByTestId('place-order').tap();
    await page.getByTestId('atm-instructions').waitFor();
    expect((await text(page, 'atm-account')).replaceAll(' ', '')).toMatch(/^\d{14,16}$/);
    await expectFitsWidth(page);
    for (const testId of ['atm-account', 'atm-copy', 'atm-amount', 'atm-deadline', 'payment-status']) await expectOnScreen(page, testId);
    await capture(page, 'phone-atm-instructions');

    await page.goto(`${page.url()}?lang=en`);
    expect(await page.getByTestId('atm-instructions').innerText()).toContain('Pay by ATM transfer');
    await expectFitsWidth(page);
    for (const testId of ['atm-account', 'atm-copy', 'payment-status']) await expectOnScreen(page, testId);
    await capture(page, 'phone-atm-instructions-en');
  });
});
