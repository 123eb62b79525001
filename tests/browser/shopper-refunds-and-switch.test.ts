// In real Chromium, desktop and phone, both languages: the order page with an open card link offers
// ATM instead and cancel, both tappable; after a partial refund the order and result pages list the
// refund; the back office shows the merchant's reason. Every page is axe-clean.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderLinks } from '../../src/orders/order-link';
import { expectAccessible } from '../support/axe';
import { browserAvailable } from '../support/browser';
import { DESKTOP, PHONE, startBrowserBackOffice, type BrowserBackOffice } from '../support/browser-shop';
import { ADMIN_PASSWORD, ADMIN_USERNAME, cardAttempt, paidCardAttempt, type AdminHarness } from '../support/admin-harness';

describe.skipIf(!browserAvailable)("the shopper's order page after a refund, and with a card link open", { timeout: 90_000 }, () => {
  let harness: AdminHarness;
  let office: BrowserBackOffice;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    office = await startBrowserBackOffice();
    ({ harness, baseUrl, browser } = office);
  });
  afterAll(() => office?.close());

  /** A browser let in to the order by its e-mail link, as a shopper on another device is. */
  async function openOrder(options: BrowserContextOptions, orderId: string): Promise<Page> {
    const page = await (await browser.newContext(options)).newPage();
    await page.goto(`${baseUrl}${createOrderLinks('admin-harness-secret', () => new Date()).pathFor(orderId)}`);
    await page.getByTestId('open-order').click();
    await page.waitForURL(`${baseUrl}/orders/${orderId}`);
    return page;
  }

  const minHeight = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!.height;

  for (const [screen, options] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`${screen}: a card link open offers ATM instead and cancel, in both languages`, async () => {
      const { order } = await cardAttempt(harness, 1_200);
      const page = await openOrder(options, order.id);
      for (const lang of ['zh-TW', 'en']) {
        await page.goto(`${baseUrl}/orders/${order.id}?lang=${lang}`);
        await page.getByTestId('switch-to-atm').waitFor();
        expect(await minHeight(page, 'switch-to-atm')).toBeGreaterThanOrEqual(44);
        expect(await minHeight(page, 'card-cancel-button')).toBeGreaterThanOrEqual(44);
        await expectAccessible(page);
      }
      await page.getByTestId('switch-to-atm').click();
      await page.getByTestId('atm-instructions').waitFor();
      await expectAccessible(page);
      await page.context().close();
    });

    it(`${screen}: a partial refund is listed on the order and result pages, and its reason in the back office`, async () => {
      const { order, payment } = await paidCardAttempt(harness, 1_500);
      const admin = await (await browser.newContext(options)).newPage();
      await admin.goto(`${baseUrl}/admin/login`);
      await admin.fill('#username', ADMIN_USERNAME);
      await admin.fill('#password', ADMIN_PASSWORD);
      await admin.click('[data-testid="login-submit"]');
      await admin.goto(`${baseUrl}/admin/payments/${payment.id}/refund`);
      await admin.fill('#amountTwd', '400');
      await admin.fill('#remark', '部分退貨');
      await admin.click('[data-testid="refund-review"]');
      await admin.click('[data-testid="refund-confirm"]');
      await admin.locator('[data-testid="notice"]').waitFor();
      expect(await admin.getByTestId('refund-reason').innerText()).toBe('部分退貨');
      await admin.context().close();

      const page = await openOrder(options, order.id);
      for (const lang of ['zh-TW', 'en']) {
        await page.goto(`${baseUrl}/orders/${order.id}?lang=${lang}`);
        expect(await page.getByTestId('refund-amount').innerText()).toBe('NT$400');
        await expectAccessible(page);
        await page.goto(`${baseUrl}/orders/${order.id}/result?lang=${lang}`);
        await page.getByTestId('result-refunded').waitFor();
        expect(await page.getByTestId('refund-amount').innerText()).toBe('NT$400');
        await expectAccessible(page);
      }
      await page.context().close();
    });
  }
});
