// Every back-office page, on a desktop (1280×800) and a phone (390×844), in both languages where it
// matters: axe-clean, no wider than the screen, the attention list and sign-out within reach.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { authorisedCardAttempt, cardAttempt, paidCardAttempt, type AdminHarness } from '../support/admin-harness';
import { browserAvailable } from '../support/browser';
import { DESKTOP, PHONE, horizontalFit, startBrowserBackOffice, type BrowserBackOffice } from '../support/browser-shop';
import { taipeiDate } from '../../src/time/taipei';

describe.skipIf(!browserAvailable)('every back-office page', { timeout: 240_000 }, () => {
  let h: AdminHarness;
  let office: BrowserBackOffice;
  let baseUrl: string;
  let browser: Browser;
  let pages: string[];
  let slips: string[];
  let paidOrderNumber: string;

  beforeAll(async () => {
    office = await startBrowserBackOffice();
    ({ harness: h, baseUrl, browser } = office);
    const { order, payment } = await paidCardAttempt(h);
    // An attempt the bank could not be asked about: the attention list has a row, the navbar a count.
    const stuck = await cardAttempt(h);
    await h.db.payment.update({ where: { id: stuck.payment.id }, data: { bankCheckFailures: 99 } });
    // An authorisation to cancel, and a refund the bank's answer left for the merchant to review.
    const authorised = await authorisedCardAttempt(h);
    const inReview = await paidCardAttempt(h);
    const review = await h.db.refund.create({
      data: { paymentId: inReview.payment.id, kind: 'refund', amount: 50_000, idempotencyKey: randomUUID(), status: 'needs_review', createdBy: 'merchant', bankDescription: 'the bank answered Amount 40000 for a refund of 50000' },
    });
    paidOrderNumber = inReview.order.number;
    const product = await h.db.product.findFirstOrThrow({ where: { slug: 'alishan-oolong' } });
    const day = taipeiDate(new Date()).replace(/-/g, '');
    pages = [
      '/admin/orders?view=to_ship', '/admin/orders?view=all', `/admin/orders/${order.id}`, `/admin/orders/${order.id}?lang=en`,
      '/admin/payments/attention', `/admin/payments/${payment.id}/refund`, `/admin/payments/${payment.id}/refund?lang=en`,
      '/admin/products', '/admin/products/new', `/admin/products/${product.id}`, '/admin/categories', '/admin/settings',
      '/admin/settlement', '/admin/settlement?lang=en', `/admin/settlement/${day}`, '/admin/trail', '/admin/accounts', '/admin/shipments/upload',
      `/admin/payments/${authorised.payment.id}/cancel`, `/admin/payments/${authorised.payment.id}/cancel?lang=en`,
      `/admin/refunds/${review.id}/review`, `/admin/refunds/${review.id}/review?lang=en`,
    ];
    // Packing slips are printed pages without the back office's navigation.
    slips = [`/admin/orders/${order.id}/slip`, `/admin/slips?id=${order.id}&id=${inReview.order.id}&prices=hide`];
  });
  afterAll(() => office?.close());

  async function problemsOf(page: Page, where: string): Promise<string[]> {
    const problems: string[] = [];
    for (const v of await axeViolations(page)) problems.push(`${where}: ${v.rule} ${v.targets.join(', ')}`);
    const fit = await horizontalFit(page);
    if (fit.scrollWidth > fit.innerWidth) problems.push(`${where}: ${fit.scrollWidth} px wide on a ${fit.innerWidth} px screen`);
    return problems;
  }

  async function visitAll(device: BrowserContextOptions) {
    const context = await browser.newContext(device);
    try {
      const page = await context.newPage();
      await office.signIn(page);
      // Every problem of every page, so that one run names them all.
      const problems: string[] = [];
      for (const path of pages) {
        const response = await page.goto(`${baseUrl}${path}`);
        if (response?.status() !== 200) problems.push(`${path}: status ${response?.status()}`);
        problems.push(...(await problemsOf(page, path)));
        const fit = await horizontalFit(page);
        // The attention list and sign-out are on screen, the link on one or two lines.
        for (const testId of ['nav-attention', 'logout']) {
          const box = await page.getByTestId(testId).boundingBox();
          if (!box || box.x + box.width > fit.innerWidth || box.height > 64) problems.push(`${path}: ${testId} at ${JSON.stringify(box)}`);
        }
      }
      for (const path of slips) {
        const response = await page.goto(`${baseUrl}${path}`);
        if (response?.status() !== 200) problems.push(`${path}: status ${response?.status()}`);
        problems.push(...(await problemsOf(page, path)));
      }
      // The order page's bank logs are folded, and fit the screen once unfolded too.
      await page.goto(`${baseUrl}${pages[2]}`);
      const logs = page.getByTestId('bank-logs').first();
      expect(await logs.evaluate((element) => (element as HTMLDetailsElement).open)).toBe(false);
      expect(await page.getByTestId('exchange').first().isVisible()).toBe(false);
      await logs.locator(':scope > summary').click();
      expect(await page.getByTestId('exchange').first().isVisible()).toBe(true);
      const unfolded = await horizontalFit(page);
      if (unfolded.scrollWidth > unfolded.innerWidth) problems.push(`bank logs: ${unfolded.scrollWidth} px wide on a ${unfolded.innerWidth} px screen`);
      // The carrier file's report: one row applied, one refused, each said on the page.
      await page.goto(`${baseUrl}/admin/shipments/upload`);
      const csv = `order,carrier,tracking\n${paidOrderNumber},黑貓宅急便,123456789012\nFS-NO-SUCH-ORDER,黑貓宅急便,123456789013\n`;
      await page.getByTestId('shipments-file').setInputFiles({ name: 'parcels.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByTestId('shipments-submit').click();
      await page.waitForURL(`${baseUrl}/admin/shipments/upload`);
      // Shipped by whichever device's upload comes first (the order's row is locked), so the other sees it refused as already left.
      expect(await page.getByTestId('shipment-row').evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.outcome))).toEqual([
        expect.stringMatching(/^(applied|not_allowed)$/),
        'unknown_order',
      ]);
      problems.push(...(await problemsOf(page, 'shipments report')));
      expect(problems.join('\n')).toBe('');
    } finally {
      await context.close();
    }
  }

  // The two screens run side by side, each in its own browser profile.
  it.concurrent('on a desktop', async () => {
    await visitAll(DESKTOP);
  });

  it.concurrent('on a phone', async () => {
    await visitAll(PHONE);
  });
});
