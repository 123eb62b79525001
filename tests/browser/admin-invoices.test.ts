// The back office's e-invoice pages in real Chromium, on a desktop (1280×800) and a phone (390×844),
// in both languages: the list with its filters, and an order's invoice with its allowances, history
// and retry; axe-clean and no wider than the screen.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../support/axe';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from '../support/admin-harness';
import { browserAvailable, screenshot } from '../support/browser';
import { DESKTOP, PHONE, horizontalFit, smallTapTargets, startBrowserBackOffice, type BrowserBackOffice } from '../support/browser-shop';
import { createInvoice } from '../support/invoice-fixtures';
import { createOrder, createProduct } from '../support/shop-fixtures';

const SCREENS: Array<[string, BrowserContextOptions]> = [['desktop', DESKTOP], ['phone', PHONE]];

describe.skipIf(!browserAvailable)('the back office\'s e-invoice pages', { timeout: 240_000 }, () => {
  let office: BrowserBackOffice;
  let issuedOrderId: string;
  let refusedOrderId: string;

  beforeAll(async () => {
    office = await startBrowserBackOffice();
    const { db } = office.harness;
    const product = await createProduct(db, { priceTwd: 1_500, stock: 100 });
    const paidOrder = async (choice: object) => {
      const order = await createOrder(db, { lines: [{ product, quantity: 1 }], payType: 'card' });
      return db.order.update({ where: { id: order.id }, data: { status: 'paid', paidAt: new Date(), ...choice } });
    };
    const issued = await paidOrder({ invoiceRecipient: 'company', invoiceTaxId: '97025978', invoiceCompanyName: '豐收商行股份有限公司' });
    await createInvoice(db, issued, {
      status: 'issued', number: 'AB10000001', issuedAt: new Date(), randomNumber: '1357',
      allowances: [{ amountTwd: 300, number: '2026120600000001', issuedAt: new Date() }, { amountTwd: 200, number: null, issuedAt: new Date() }],
    });
    const refused = await paidOrder({ invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/ABC+123' });
    await createInvoice(db, refused, { status: 'refused', refused: { code: '5000015', message: 'carrier invoice with Print=1 (a long message from the provider that must wrap on a phone)' } });
    issuedOrderId = issued.id;
    refusedOrderId = refused.id;
  });
  afterAll(() => office?.close());

  async function signIn(page: Page) {
    await page.goto(`${office.baseUrl}/admin/login`);
    await page.fill('#username', ADMIN_USERNAME);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForURL(`${office.baseUrl}/admin/orders`);
  }

  async function problemsOf(page: Page, where: string): Promise<string[]> {
    const problems = (await axeViolations(page)).map((v) => `${where}: ${v.rule} ${v.targets.join(', ')}`);
    const fit = await horizontalFit(page);
    if (fit.scrollWidth > fit.innerWidth) problems.push(`${where}: ${fit.scrollWidth} px wide on a ${fit.innerWidth} px screen`);
    return problems;
  }

  it.each(SCREENS)('on a %s: the list, its filters and an order\'s invoice are axe-clean and fit the screen', async (screen, device) => {
    const context = await office.browser.newContext(device);
    try {
      const page = await context.newPage();
      await signIn(page);
      const problems: string[] = [];
      await page.getByTestId('nav-invoices').click();
      await page.waitForURL(`${office.baseUrl}/admin/invoices`);
      expect(await page.getByTestId('admin-invoice-row').count()).toBe(2);
      problems.push(...(await problemsOf(page, '/admin/invoices')));
      await screenshot(page, `${screen}-admin-invoices`);

      await page.getByTestId('invoice-filter-failed').click();
      await page.waitForURL(`${office.baseUrl}/admin/invoices?status=failed`);
      expect(await page.getByTestId('admin-invoice-row').count()).toBe(1);
      problems.push(...(await problemsOf(page, '/admin/invoices?status=failed')));

      for (const path of ['/admin/invoices?status=allowance&lang=en', `/admin/orders/${issuedOrderId}?lang=en`, `/admin/orders/${issuedOrderId}?lang=zh-TW`, `/admin/orders/${refusedOrderId}`]) {
        await page.goto(`${office.baseUrl}${path}`);
        // The history is read open, as the merchant would.
        const history = page.getByTestId('admin-invoice-history');
        if (await history.count()) await history.locator('summary').click();
        problems.push(...(await problemsOf(page, path)));
      }
      expect(await page.getByTestId('invoice-retry').isVisible()).toBe(true);
      expect(await smallTapTargets(page), 'small tap targets on the refused order').toEqual([]);
      await screenshot(page, `${screen}-admin-invoice-refused`);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
