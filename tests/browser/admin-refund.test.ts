// The merchant refunds part of a card payment in real Chromium: sign in, find the order, ask for a
// refund, confirm it, and see the bank's answer applied to the attempt and the order.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, screenshot } from '../support/browser';
import { startBrowserBackOffice, type BrowserBackOffice } from '../support/browser-shop';
import {
  ADMIN_PASSWORD,
  ADMIN_USERNAME,
  cardAttempt,
  deliverReturn,
  payAtBank,
  type AdminHarness,
} from '../support/admin-harness';

describe.skipIf(!browserAvailable)('refunding in the back office', { timeout: 60_000 }, () => {
  let harness: AdminHarness;
  let office: BrowserBackOffice;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    office = await startBrowserBackOffice();
    ({ harness, baseUrl, browser } = office);
  });
  afterAll(() => office?.close());

  it('refunds part of a paid card order, once, after a confirmation', async () => {
    const { order, payment } = await cardAttempt(harness, 1_500);
    await deliverReturn(harness, payAtBank(harness, payment));
    const page = await browser.newPage({ locale: 'zh-TW' });

    await page.goto(`${baseUrl}/admin/orders/${order.id}`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await page.fill('#username', ADMIN_USERNAME);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('[data-testid="login-submit"]');

    await page.goto(`${baseUrl}/admin/orders?q=${encodeURIComponent(order.number)}`);
    await page.click(`a[href="/admin/orders/${order.id}"]`);
    await page.click('[data-testid="refund-link"]');
    expect(await page.locator('[data-testid="refundable"]').innerText()).toContain('1,500');
    await page.fill('#amountTwd', '400');
    await page.fill('#remark', '部分退貨');
    await page.click('[data-testid="refund-review"]');
    await page.locator('[data-testid="refund-confirmation"]').waitFor();
    await page.click('[data-testid="refund-confirm"]');

    await page.locator('[data-testid="notice"]').waitFor();
    expect(await page.locator('[data-testid="attempt-refunded"]').innerText()).toContain('400');
    expect(await page.locator('[data-testid="refund"]').getAttribute('data-status')).toBe('succeeded');
    await screenshot(page, 'admin-partial-refund');

    const paid = await harness.db.payment.findUniqueOrThrow({ where: { id: payment.id } });
    expect(paid.refundedAmount).toBe(40_000);
    expect((await harness.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('partially_refunded');
    expect(harness.sandbox.sandbox.control.order({ orderNo: payment.orderNo }).refunds).toMatchObject([{ amount: 40_000, remark: '部分退貨' }]);
  });
});
