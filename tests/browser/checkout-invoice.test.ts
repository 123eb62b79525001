// The e-invoice choice at checkout in real Chromium, on a desktop (1280×800) and a phone (390×844):
// each choice shows only its own fields and reaches the order, a mistake is named at its field,
// the page stays axe-clean with tap targets of 44 px, and the next checkout in the same browser
// starts from the choice last sent.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/axe';
import { browserAvailable } from '../support/browser';
import { createInvoice } from '../support/invoice-fixtures';
import { DESKTOP, PHONE, addToCart, capture, fillCheckout, smallTapTargets, startBrowserShop, type BrowserShop } from '../support/browser-shop';

const SCREENS: Array<[string, BrowserContextOptions]> = [['desktop', DESKTOP], ['phone', PHONE]];

interface Choice {
  recipient: string;
  fill(page: Page): Promise<void>;
  stored: Record<string, string | null>;
}

const CHOICES: Choice[] = [
  { recipient: 'member_carrier', fill: async () => {}, stored: { invoiceRecipient: 'member_carrier', invoiceCarrierNumber: null } },
  {
    recipient: 'mobile_barcode',
    fill: (page) => page.locator('#invoiceBarcode').fill('/abc+123'),
    stored: { invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/ABC+123' },
  },
  {
    recipient: 'citizen_certificate',
    fill: (page) => page.locator('#invoiceCertificate').fill('ＡＢ12345678901234'),
    stored: { invoiceRecipient: 'citizen_certificate', invoiceCarrierNumber: 'AB12345678901234' },
  },
  {
    recipient: 'company',
    fill: async (page) => {
      await page.locator('#invoiceTaxId').fill('24546863');
      await page.locator('#invoiceCompanyName').fill('豐收商行有限公司');
    },
    stored: { invoiceRecipient: 'company', invoiceTaxId: '24546863', invoiceCompanyName: '豐收商行有限公司' },
  },
  {
    recipient: 'donation',
    fill: (page) => page.locator('#invoiceCharity-88888').check(),
    stored: { invoiceRecipient: 'donation', invoiceDonationCode: '88888' },
  },
  {
    recipient: 'donation',
    fill: async (page) => {
      await page.locator('#invoiceCharity-other').check();
      await page.locator('#invoiceDonationCode').fill('7654321');
    },
    stored: { invoiceRecipient: 'donation', invoiceDonationCode: '7654321' },
  },
];

const GROUPS = ['mobile_barcode', 'citizen_certificate', 'company', 'donation'];

/** Which recipients' field groups are shown. */
const shownGroups = async (page: Page) => {
  const shown: string[] = [];
  for (const group of GROUPS) if (await page.locator(`[data-invoice-fields="${group}"]`).isVisible()) shown.push(group);
  return shown;
};

/** axe-core, controls of at least 44×44 px, and the invoice choice's rows (radio and label) at least 44 px tall. */
async function checkPage(page: Page): Promise<void> {
  await expectAccessible(page);
  expect(await smallTapTargets(page), 'small tap targets').toEqual([]);
  const rows = await page.locator('[data-invoice-choice] .form-check').evaluateAll((elements) =>
    elements.filter((element) => (element as HTMLElement).offsetParent !== null && element.getBoundingClientRect().height < 44).map((element) => element.textContent?.trim()));
  expect(rows, 'invoice choices under 44 px tall').toEqual([]);
}

describe.skipIf(!browserAvailable)('the e-invoice choice at checkout', { timeout: 240_000, concurrent: true }, () => {
  let env: BrowserShop;
  beforeAll(async () => {
    env = await startBrowserShop();
  });
  afterAll(() => env?.close());

  describe.each(SCREENS)('on a %s', (screen, options) => {
    it.concurrent('each choice shows its own fields, reaches the order, and is offered again at the next checkout', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      for (const [i, choice] of CHOICES.entries()) {
        await addToCart(page, shop, 'pineapple-cake-box');
        await fillCheckout(page, shop, 'atm');
        if (i === 0) {
          // A first checkout: the member carrier, and no other field.
          expect(await page.locator('#invoiceRecipient-member_carrier').isChecked()).toBe(true);
          expect(await shownGroups(page)).toEqual([]);
          await checkPage(page);
        }
        await page.locator(`#invoiceRecipient-${choice.recipient}`).check();
        expect(await shownGroups(page)).toEqual(GROUPS.includes(choice.recipient) ? [choice.recipient] : []);
        await choice.fill(page);
        if (choice.recipient === 'donation') {
          expect(await page.locator('[data-invoice-other-code]').isVisible()).toBe(choice.stored.invoiceDonationCode === '7654321');
          await checkPage(page);
          await capture(page, `${screen}-invoice-donation-${i}`);
        }
        await page.getByTestId('place-order').click();
        await page.getByTestId('atm-instructions').waitFor();
        const orderId = /\/orders\/([0-9a-f-]+)$/.exec(page.url())![1]!;
        const order = await shop.db.order.findUniqueOrThrow({ where: { id: orderId } });
        expect(order, `order of ${choice.recipient}`).toMatchObject(choice.stored);
      }

      // The next checkout starts from the last choice: another donation code, with its box shown.
      await addToCart(page, shop, 'pineapple-cake-box');
      await page.getByTestId('go-to-checkout').click();
      await page.waitForURL(`${shop.baseUrl}/checkout`);
      await page.getByTestId('remembered-details').waitFor();
      expect(await page.locator('#invoiceRecipient-donation').isChecked()).toBe(true);
      expect(await page.locator('#invoiceCharity-other').isChecked()).toBe(true);
      expect(await page.locator('#invoiceDonationCode').inputValue()).toBe('7654321');
      expect(await shownGroups(page)).toEqual(['donation']);
      expect(await page.locator('[data-invoice-other-code]').isVisible()).toBe(true);
      await checkPage(page);
      await capture(page, `${screen}-invoice-remembered`);

      // "Clear these details" puts the member carrier back.
      await page.getByTestId('forget-details').click();
      expect(await page.locator('#invoiceRecipient-member_carrier').isChecked()).toBe(true);
      expect(await shownGroups(page)).toEqual([]);
    });

    it.concurrent('a wrong tax ID is named at its field, with the company and what was typed kept', async ({ onTestFinished }) => {
      const { shop } = env;
      const page = await env.newPage({ onTestFinished }, options);
      await addToCart(page, shop, 'nougat-crackers');
      await fillCheckout(page, shop, 'atm');
      await page.locator('#invoiceRecipient-company').check();
      await page.locator('#invoiceTaxId').fill('88117126');
      await page.locator('#invoiceCompanyName').fill('豐收商行');
      await page.getByTestId('place-order').click();
      await page.getByTestId('error-invoiceTaxId').waitFor();
      expect((await page.getByTestId('error-invoiceTaxId').innerText()).trim()).toBe('這組統一編號的檢查碼不符，請再核對一次。');
      expect(await page.locator('#invoiceRecipient-company').isChecked()).toBe(true);
      expect(await shownGroups(page)).toEqual(['company']);
      expect(await page.locator('#invoiceTaxId').inputValue()).toBe('88117126');
      expect(await page.locator('#invoiceCompanyName').inputValue()).toBe('豐收商行');
      expect(await page.locator('#invoiceTaxId').getAttribute('aria-invalid')).toBe('true');
      // The summary's link takes the shopper to the field.
      await page.getByTestId('checkout-errors').locator('a[href="#invoiceTaxId"]').click();
      expect(await page.locator('#invoiceTaxId').evaluate((element) => element === document.activeElement)).toBe(true);
      await checkPage(page);
      await capture(page, `${screen}-invoice-error`);

      await page.locator('#invoiceTaxId').fill('53212539');
      await page.getByTestId('place-order').click();
      await page.getByTestId('atm-instructions').waitFor();
      const orderId = /\/orders\/([0-9a-f-]+)$/.exec(page.url())![1]!;
      const order = await shop.db.order.findUniqueOrThrow({ where: { id: orderId } });
      expect(order).toMatchObject({ invoiceRecipient: 'company', invoiceTaxId: '53212539', invoiceCompanyName: '豐收商行' });

      // Paid and issued, with an allowance: the order page and My orders show it, still axe-clean.
      await shop.db.order.update({ where: { id: orderId }, data: { status: 'paid', paidAt: new Date() } });
      // Invoice numbers are unique: one per screen.
      const number = screen === 'desktop' ? 'AB12345678' : 'AB12345679';
      await createInvoice(shop.db, order, {
        status: 'issued', number, issuedAt: new Date(), randomNumber: '2468',
        allowances: [{ amountTwd: 50, number: '2026120600000009', issuedAt: new Date() }],
      });
      await page.reload();
      expect((await page.getByTestId('invoice-number').innerText()).trim()).toBe(number);
      expect((await page.getByTestId('invoice-random').innerText()).trim()).toBe('2468');
      expect(await page.getByTestId('invoice-allowance').count()).toBe(1);
      await checkPage(page);
      await capture(page, `${screen}-invoice-order-page`);
      await page.getByTestId('back-to-orders').click();
      await page.waitForURL(`${shop.baseUrl}/orders`);
      expect(await page.locator(`[data-order-number="${order.number}"] [data-testid="order-invoice-line"]`).innerText()).toContain(number);
      await checkPage(page);
    });
  });
});
