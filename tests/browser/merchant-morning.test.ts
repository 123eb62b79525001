// The merchant's morning in real Chromium: sign in to the "to ship" list, print the packing slips
// of a selection, upload the carrier's CSV, and the shopper's order page shows the parcel on its
// way. Every page on the way is axe-clean, on a desktop and on a phone.
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../../src/generated/prisma/client';
import { createOrderLinks } from '../../src/orders/order-link';
import { expectAccessible } from '../support/axe';
import type { AdminHarness } from '../support/admin-harness';
import { browserAvailable, screenshot } from '../support/browser';
import { DESKTOP, PHONE, horizontalFit, startBrowserBackOffice, type BrowserBackOffice } from '../support/browser-shop';
import { createOrder, createProduct } from '../support/shop-fixtures';

describe.skipIf(!browserAvailable)("the merchant's morning", { timeout: 120_000 }, () => {
  let h: AdminHarness;
  let office: BrowserBackOffice;
  let baseUrl: string;
  let browser: Browser;
  // The harness's session secret signs the e-mails' order links.
  const links = createOrderLinks('admin-harness-secret', () => new Date());

  beforeAll(async () => {
    office = await startBrowserBackOffice();
    ({ harness: h, baseUrl, browser } = office);
  });
  afterAll(() => office?.close());

  async function paidOrder(paidAt: Date): Promise<Order> {
    const product = await createProduct(h.db, { priceTwd: 560, stock: 10, nameZh: '池上米 2kg' });
    const order = await createOrder(h.db, { lines: [{ product, quantity: 2 }], payType: 'card' });
    return h.db.order.update({
      where: { id: order.id },
      data: { status: 'paid', paidAt, recipientName: '陳怡君', recipientPhone: '0933111222', postcode: '300', city: '新竹市', district: '東區', street: '光復路二段 101 號' },
    });
  }

  async function morning(device: BrowserContextOptions, name: string) {
    const first = await paidOrder(new Date(Date.now() - 3 * 3_600_000));
    const second = await paidOrder(new Date(Date.now() - 2 * 3_600_000));
    const merchant = await browser.newContext(device);
    const shopper = await browser.newContext(device);
    const page = await merchant.newPage();
    const shopperPage = await shopper.newPage();

    // The shopper's order page before: paid, not shipped yet.
    await shopperPage.goto(`${baseUrl}${links.pathFor(first.id)}`);
    await shopperPage.getByTestId('open-order').click();
    await shopperPage.waitForURL(`${baseUrl}/orders/${first.id}`);
    expect((await shopperPage.getByTestId('order-fulfilment').innerText()).trim()).toBe('待出貨');

    // The "to ship" list, the longest waiting first.
    await office.signIn(page);
    const rows = page.locator('[data-testid="admin-order-row"]');
    const numbers = await rows.evaluateAll((found) => found.map((row) => row.getAttribute('data-order-number')));
    expect(numbers.indexOf(first.number)).toBeGreaterThanOrEqual(0);
    expect(numbers.indexOf(first.number)).toBeLessThan(numbers.indexOf(second.number));
    expect(Number(await page.getByTestId('nav-to-ship-count').innerText())).toBeGreaterThanOrEqual(2);
    await expectAccessible(page);
    if (device === PHONE) {
      const fit = await horizontalFit(page);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    }

    // Print the slips of both, without prices.
    await page.check(`[data-testid="admin-order-row"][data-order-number="${first.number}"] [data-testid="pick-order"]`);
    await page.check(`[data-testid="admin-order-row"][data-order-number="${second.number}"] [data-testid="pick-order"]`);
    await page.check('#hide-prices');
    const [slips] = await Promise.all([merchant.waitForEvent('page'), page.click('[data-testid="print-slips"]')]);
    await slips.waitForLoadState('load');
    const slipNumbers = await slips.locator('[data-testid="packing-slip"]').evaluateAll((found) => found.map((slip) => slip.getAttribute('data-order-number')));
    expect(slipNumbers.sort()).toEqual([first.number, second.number].sort());
    expect(await slips.locator('[data-testid="slip-qr"] svg').count()).toBe(2);
    expect(await slips.locator('[data-testid="slip-total"]').count()).toBe(0);
    expect(await slips.locator('[data-testid="slip-recipient"]').first().innerText()).toContain('新竹市東區光復路二段 101 號');
    await expectAccessible(slips);
    await screenshot(slips, `packing-slips-${name}`);
    await slips.close();

    // The carrier's CSV: both orders shipped, one line refused.
    await page.goto(`${baseUrl}/admin/shipments/upload`);
    await expectAccessible(page);
    const csv = `訂單編號,貨運公司,追蹤編號\n${first.number},黑貓宅急便,${name}0001111\n${second.number},新竹物流,${name}0002222\n${first.number},黑貓宅急便,${name}0003333\n`;
    await page.setInputFiles('#csv', { name: 'tcat.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.click('[data-testid="shipments-submit"]');
    await page.getByTestId('shipments-report').waitFor();
    const outcomes = await page.locator('[data-testid="shipment-row"]').evaluateAll((found) => found.map((row) => row.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['applied', 'applied', 'duplicate']);
    await expectAccessible(page);
    await screenshot(page, `shipments-report-${name}`);

    // The shopper's order page after: on its way, with the carrier and its tracking link.
    await shopperPage.reload();
    expect((await shopperPage.getByTestId('order-fulfilment').innerText()).trim()).toBe('已出貨');
    expect((await shopperPage.getByTestId('order-carrier').innerText()).trim()).toBe('黑貓宅急便');
    expect(await shopperPage.getByTestId('order-tracking-link').getAttribute('href')).toContain(`${name}0001111`);
    await expectAccessible(shopperPage);

    // And the list the merchant started from no longer has them.
    await page.goto(`${baseUrl}/admin/orders`);
    const left = await page.locator('[data-testid="admin-order-row"]').evaluateAll((found) => found.map((row) => row.getAttribute('data-order-number')));
    expect(left).not.toContain(first.number);
    expect(left).not.toContain(second.number);

    // The order page, the trail and the attention page are axe-clean too.
    await page.goto(`${baseUrl}/admin/orders/${first.id}`);
    expect((await page.getByTestId('fulfilment-status').innerText()).trim()).toBe('已出貨');
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin/trail`);
    expect(await page.locator(`[data-testid="trail-row"][data-subject="${first.number}"]`).count()).toBe(1);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin/accounts`);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin/payments/attention`);
    await expectAccessible(page);

    // The same pages in English.
    await page.goto(`${baseUrl}/admin/orders/${second.id}?lang=en`);
    expect((await page.getByTestId('fulfilment-status').innerText()).trim()).toBe('Shipped');
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin/orders?view=all`);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin/shipments/upload`);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/admin/orders/${second.id}/slip`);
    expect(await page.locator('[data-testid="slip-total"]').count()).toBe(1);
    await expectAccessible(page);
    await shopperPage.goto(`${baseUrl}/orders?lang=en`);
    expect(await shopperPage.locator('[data-testid="order-fulfilment"]').first().innerText()).toBe('Shipped');
    await expectAccessible(shopperPage);
    await merchant.close();
    await shopper.close();
  }

  // The two screens run side by side: each has its own orders, merchant and shopper profiles.
  it.concurrent('on a desktop', async () => {
    await morning(DESKTOP, 'desk');
  });

  it.concurrent('on a phone', async () => {
    await morning(PHONE, 'phone');
  });
});
