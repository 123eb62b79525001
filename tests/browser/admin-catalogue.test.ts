// The merchant runs the catalogue in real Chromium: creates a product with a photo on a shelf, sees
// it in the shop, a shopper buys it, and the merchant restocks it; and the back office on a phone.
// Every page the scenarios load is checked with axe-core; the back office's pages also for tap targets.
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAdminPassword } from '../../src/admin/sign-in';
import { expectAccessible } from '../support/axe';
import { browserAvailable } from '../support/browser';
import {
  capture,
  DESKTOP,
  fillCardPage,
  fillCheckout,
  GOOD_CARD,
  horizontalFit,
  PHONE,
  placeCardOrder,
  startBrowserShop,
  submitCardPage,
  text,
  type BrowserShop,
} from '../support/browser-shop';

const USERNAME = 'merchant';
const PASSWORD = 'tea-terraces-at-noon-2026';

/** Controls smaller than 44×44 CSS px: buttons, fields and navbar links (tick boxes have their label's row). */
async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, .btn, input:not([type=hidden]), select, textarea, .nav-link'))
      .filter((element) => element.offsetParent !== null && !(element instanceof HTMLInputElement && element.type === 'checkbox'))
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ element, box }) => `${element.outerHTML.slice(0, 80)} ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}

async function checkAdminPage(page: Page): Promise<void> {
  await expectAccessible(page);
  expect(await smallTapTargets(page), `small tap targets on ${new URL(page.url()).pathname}`).toEqual([]);
  const fit = await horizontalFit(page);
  expect(fit.scrollWidth, `${new URL(page.url()).pathname} is wider than the window`).toBeLessThanOrEqual(fit.innerWidth);
}

async function signIn(page: Page): Promise<void> {
  expect(new URL(page.url()).pathname).toBe('/admin/login');
  await page.locator('#username').fill(USERNAME);
  await page.locator('#password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** A photo as a merchant's camera might give one: a JPEG of a few fruit on a plate. */
function fruitPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1200">
    <rect width="1600" height="1200" fill="#f3ead8"/><ellipse cx="800" cy="760" rx="560" ry="210" fill="#ffffff" stroke="#d9cdb4" stroke-width="12"/>
    <circle cx="620" cy="620" r="190" fill="#9bbf63"/><circle cx="960" cy="600" r="210" fill="#8db356"/><circle cx="800" cy="760" r="180" fill="#a5c96d"/>
    <path d="M960 390 q20 -70 70 -90" stroke="#5b4a2e" stroke-width="18" fill="none"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

describe.skipIf(!browserAvailable)('the merchant runs the catalogue', { timeout: 180_000 }, () => {
  let env: BrowserShop;

  beforeAll(async () => {
    env = await startBrowserShop({ admin: { username: USERNAME, passwordHash: await hashAdminPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) } });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('creates a product with a photo on a shelf, sees it in the shop, sells it and restocks it', async (test) => {
    const page = await env.newPage(test, DESKTOP);
    const { shop } = env;

    await page.goto(`${shop.baseUrl}/admin/products/new`);
    await signIn(page);
    await page.waitForURL(`${shop.baseUrl}/admin/products/new`);
    await checkAdminPage(page);

    await page.locator('#nameZh').fill('台東鳳梨釋迦 1.2kg');
    await page.locator('#nameEn').fill('Taitung Pineapple Sugar Apple, 1.2 kg');
    await page.locator('#descriptionZh').fill('台東卑南鄉果園直送，果肉綿密香甜。');
    await page.locator('#descriptionEn').fill('Straight from an orchard in Beinan, Taitung: creamy and sweet.');
    await page.locator('#priceTwd').fill('560');
    await page.locator('#stock').fill('3');
    await page.locator('#status').selectOption('active');
    await page.getByLabel('伴手禮點心').check();
    await page.getByTestId('product-save').click();

    await page.waitForURL(/\/admin\/products\/\d+$/);
    expect(await page.getByTestId('notice').getAttribute('data-notice')).toBe('admin.product.created');
    expect(await text(page, 'stock-now')).toBe('3');

    await page.locator('#photos').setInputFiles({ name: '釋迦.jpg', mimeType: 'image/jpeg', buffer: await fruitPhoto() });
    await page.getByTestId('photo-submit').click();
    await page.getByTestId('photo').first().waitFor();
    expect(await page.getByTestId('notice').getAttribute('data-notice')).toBe('admin.photo.added');
    expect(await page.getByTestId('photo').locator('img').getAttribute('alt')).toBe('台東鳳梨釋迦 1.2kg');
    await checkAdminPage(page);
    await capture(page, 'admin-product-editor', 'product-editor');

    // In the shop: in the catalogue with its photo, and on its own page.
    const slug = 'taitung-pineapple-sugar-apple-1-2-kg';
    await page.goto(`${shop.baseUrl}/`);
    const card = page.locator(`[data-testid="product-card"][data-slug="${slug}"]`);
    expect(await card.locator('img').getAttribute('alt')).toBe('台東鳳梨釋迦 1.2kg');
    expect(await card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
    await card.getByTestId('product-name').click();
    await page.waitForURL(`${shop.baseUrl}/products/${slug}`);
    expect(await text(page, 'product-price')).toBe('NT$560');

    // A shopper buys one by card.
    await page.getByTestId('add-to-cart').click();
    await page.waitForURL(`${shop.baseUrl}/cart`);
    await fillCheckout(page, shop, 'card');
    await placeCardOrder(page, shop);
    await fillCardPage(page, GOOD_CARD);
    await submitCardPage(page, shop);
    const product = await shop.db.product.findUniqueOrThrow({ where: { slug }, include: { categories: { include: { category: true } } } });
    expect(product.stock).toBe(2);
    expect(product.categories.map((membership) => membership.category.slug)).toEqual(['snacks']);

    // The merchant restocks it and reads the history.
    await page.goto(`${shop.baseUrl}/admin/products/${product.id}`);
    await page.locator('#delta').fill('10');
    await page.locator('#reason').selectOption('restock');
    await page.locator('#note').fill('第二批採收');
    await page.getByTestId('stock-submit').click();
    await page.getByTestId('notice').waitFor();
    expect(await text(page, 'stock-now')).toBe('12');
    const latest = page.getByTestId('stock-change').first();
    expect([await latest.getAttribute('data-before'), await latest.getAttribute('data-after')]).toEqual(['2', '12']);
    expect(await latest.innerText()).toContain(USERNAME);
    await checkAdminPage(page);
  });

  it('works on a phone: the navigation, the product list and a product’s page fit the screen', async (test) => {
    const page = await env.newPage(test, PHONE);
    const { shop } = env;
    await page.goto(`${shop.baseUrl}/admin/products`);
    await signIn(page);
    await page.waitForURL(`${shop.baseUrl}/admin/products`);
    await checkAdminPage(page);
    // Every section of the back office is one tap away.
    for (const testId of ['nav-products', 'nav-categories', 'nav-attention']) await expect(page.getByTestId(testId).isVisible()).resolves.toBe(true);

    await page.locator('#q').fill('烏龍');
    await page.locator('#q').press('Enter');
    await page.waitForURL(/q=/);
    expect(await page.getByTestId('admin-product-row').count()).toBe(1);
    await page.getByTestId('admin-product-row').getByRole('link').tap();
    await page.waitForURL(/\/admin\/products\/\d+$/);
    await checkAdminPage(page);
    await capture(page, 'admin-product-editor-phone');

    await page.getByTestId('nav-categories').tap();
    await page.waitForURL(`${shop.baseUrl}/admin/categories`);
    await checkAdminPage(page);
  });
});
