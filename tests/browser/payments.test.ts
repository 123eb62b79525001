// Paying in real Chromium: the shop's pages, the sandbox's hosted card page and its self-submitting
// return to the shop, and an ATM transfer made from the sandbox console's "pay now" button. Each
// test is its own shopper (a browser context of its own), so the tests run side by side.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserAvailable } from '../support/browser';
import {
  DECLINED_CARD,
  GOOD_CARD,
  addToCart,
  capture,
  fillCardPage,
  fillCheckout,
  placeCardOrder,
  startBrowserShop,
  submitCardPage,
  text,
  type BrowserShop,
} from '../support/browser-shop';

// A dozen page loads a test: more than the default 30 s may pass on a busy machine.
describe.skipIf(!browserAvailable).concurrent('paying in a browser', { timeout: 60_000 }, () => {
  let env: BrowserShop;

  beforeAll(async () => {
    env = await startBrowserShop();
  });
  afterAll(() => env?.close());

  it('card approved: green result, and My orders shows the order paid', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished });
    await addToCart(page, shop, 'alishan-oolong');
    await fillCheckout(page, shop, 'card');
    expect(await text(page, 'checkout-total')).toBe('NT$1,280');
    await capture(page, 'card-approved-checkout', 'checkout');

    await placeCardOrder(page, shop);
    expect(await page.locator('#amount').innerText()).toContain('1,280');
    await fillCardPage(page, GOOD_CARD);
    await capture(page, 'card-approved-card-page', 'card-page');
    const orderId = await submitCardPage(page, shop);

    const success = page.getByTestId('result-success');
    await success.waitFor();
    expect(await success.getAttribute('class')).toContain('alert-success');
    expect(await success.innerText()).toContain('付款已完成');
    expect(await text(page, 'payment-status')).toBe('付款成功');
    await expect(page.getByTestId('result-failure').count()).resolves.toBe(0);
    await expect(page.getByTestId('pay-again').count()).resolves.toBe(0);
    const orderNumber = await text(page, 'order-number');
    expect(orderNumber).toMatch(/\S/);
    await capture(page, 'card-approved-result', 'success');

    await page.getByTestId('my-orders').click();
    await page.waitForURL(`${shop.baseUrl}/orders`);
    const cards = page.getByTestId('order-card');
    await expect(cards.count()).resolves.toBe(1);
    const card = page.locator(`[data-testid="order-card"][data-order-number="${orderNumber}"]`);
    expect((await card.getByTestId('order-status').innerText()).trim()).toBe('已付款');
    expect((await card.getByTestId('order-pay-type').innerText()).trim()).toBe('信用卡');
    expect((await card.getByTestId('order-total').innerText()).trim()).toBe('NT$1,280');
    expect(await card.getByTestId('order-items').innerText()).toContain('阿里山高山烏龍茶');
    expect(await card.getByTestId('order-link').getAttribute('href')).toBe(`/orders/${orderId}`);
    await capture(page, 'card-approved-my-orders', 'my-orders');
  });

  it('card declined: red result, then "pay again" with the good card: paid, with two attempts on the order', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished });
    await addToCart(page, shop, 'pineapple-cake-box');
    await fillCheckout(page, shop, 'card');
    await placeCardOrder(page, shop);
    await fillCardPage(page, DECLINED_CARD);
    const orderId = await submitCardPage(page, shop);

    const failure = page.getByTestId('result-failure');
    await failure.waitFor();
    expect(await failure.getAttribute('class')).toContain('alert-danger');
    expect(await failure.innerText()).toContain('這次付款沒有成功');
    expect(await text(page, 'payment-status')).toBe('付款失敗');
    await expect(page.getByTestId('result-success').count()).resolves.toBe(0);
    expect(await text(page, 'pay-again')).toBe('以信用卡重新付款');
    await capture(page, 'card-declined-result', 'failure');

    await page.getByTestId('pay-again').click();
    await page.waitForURL(`${shop.sandbox.origin}/QPay.WebPaySite/Bridge/PayCard?**`);
    await fillCardPage(page, GOOD_CARD);
    expect(await submitCardPage(page, shop)).toBe(orderId);
    await page.getByTestId('result-success').waitFor();
    expect(await text(page, 'payment-status')).toBe('付款成功');
    await capture(page, 'card-declined-then-paid-result');

    await page.goto(`${shop.baseUrl}/orders/${orderId}`);
    expect(await text(page, 'order-status')).toBe('已付款');
    const attempts = page.getByTestId('payment-attempt');
    await expect(attempts.count()).resolves.toBe(2);
    expect((await page.getByTestId('payment-status').allInnerTexts()).map((s) => s.trim())).toEqual(['付款失敗', '付款成功']);
    expect((await attempts.getByTestId('payment-method').allInnerTexts()).map((s) => s.trim())).toEqual(['信用卡', '信用卡']);
    await expect(page.getByTestId('pay-again').count()).resolves.toBe(0);
    await capture(page, 'card-declined-order-detail');
  });

  it('ATM: shows where to transfer, and shows the order paid after the transfer is made', async ({ onTestFinished, expect }) => {
    const { shop } = env;
    const page = await env.newPage({ onTestFinished });
    await addToCart(page, shop, 'dried-irwin-mango');
    await fillCheckout(page, shop, 'atm');
    const total = await text(page, 'checkout-total');
    await page.getByTestId('place-order').click();
    const orderUrl = new RegExp(`^${shop.baseUrl.replace(/[.]/g, '\\.')}/orders/[0-9a-f-]+$`);
    await page.waitForURL(orderUrl);

    const instructions = page.getByTestId('atm-instructions');
    await instructions.waitFor();
    expect(await instructions.innerText()).toContain('請以 ATM 轉帳付款');
    expect(await text(page, 'atm-bank-code')).toBe('807');
    expect(await instructions.innerText()).toContain('永豐銀行');
    expect((await text(page, 'atm-account')).replaceAll(' ', '')).toMatch(/^\d{14,16}$/);
    expect(await text(page, 'atm-amount')).toBe(total);
    // Three days to pay (the harness's atmExpireDays), shown in Taipei time.
    const deadline = /^(\d{4})\/(\d{2})\/(\d{2})\s(\d{2}):(\d{2})$/.exec(await text(page, 'atm-deadline'));
    expect(deadline).not.toBeNull();
    const [, y, mo, d, h, mi] = deadline!.map(Number);
    const daysLeft = (Date.UTC(y!, mo! - 1, d!, h! - 8, mi!) - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(2);
    expect(daysLeft).toBeLessThanOrEqual(4);
    expect(await text(page, 'order-status')).toBe('待付款');
    expect(await text(page, 'payment-status')).toBe('等待付款');
    expect(await text(page, 'order-pay-type')).toBe('ATM 轉帳（虛擬帳號）');
    // The bank's number for the attempt is the back office's, not shown to the shopper.
    const { orderNo } = await shop.db.payment.findFirstOrThrow({ where: { orderId: page.url().split('/').at(-1) } });
    await capture(page, 'atm-instructions', 'atm-instructions');

    // The shopper's transfer, as the sandbox console makes it.
    const bank = await page.context().newPage();
    await bank.goto(`${shop.sandbox.origin}/console`);
    const row = bank.locator(`tr[data-order-no="${orderNo}"]`);
    expect(await row.locator('.pay-status').innerText()).toContain('待繳款');
    await row.locator('button[data-action="pay"]').click();
    await bank.waitForURL(`${shop.sandbox.origin}/console?notice=**`);
    expect(await bank.getByRole('status').innerText()).toContain(`${orderNo}：立即付款完成`);
    expect(await row.locator('.pay-status').innerText()).toContain('已入帳');
    await expect(row.locator('button[data-action="pay"]').count()).resolves.toBe(0);
    await capture(bank, 'atm-sandbox-console');

    // The notification arrives in the background: the shopper reloads the order page until it shows.
    await expect
      .poll(
        async () => {
          await page.reload();
          return text(page, 'order-status');
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('已付款');
    expect(await text(page, 'payment-status')).toBe('付款成功');
    await expect(page.getByTestId('atm-instructions').count()).resolves.toBe(0);
    await capture(page, 'atm-paid-order');

    // The console shows the shop acknowledged that notification.
    await bank.reload();
    expect(await row.innerText()).toMatch(/#\d+ acknowledged/);
  });
});
