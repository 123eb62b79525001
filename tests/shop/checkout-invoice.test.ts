// The e-invoice choice at checkout, through the real app: each choice stored on the order, each
// mistake named beside its field with what was typed kept, and no choice when e-invoicing is off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { CUSTOMER, Shopper, startShopApp, type CheckoutDetails, type ShopApp } from '../support/shop-app';

const INVOICE_COLUMNS = { invoiceRecipient: true, invoiceCarrierNumber: true, invoiceTaxId: true, invoiceCompanyName: true, invoiceDonationCode: true } as const;

describe('the e-invoice choice at checkout', () => {
  let shop: ShopApp;
  let tea: Product;
  beforeAll(async () => {
    shop = await startShopApp();
    tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
  });
  afterAll(async () => {
    await shop.close();
  });

  async function checkout(details: Partial<CheckoutDetails>, lang?: 'en') {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 1);
    const tokens = await shopper.openCheckout();
    const res = await shopper.agent.post(lang ? `/checkout?lang=${lang}` : '/checkout').type('form').send({ ...tokens, ...CUSTOMER, ...details });
    return { shopper, res };
  }

  async function lastOrderColumns() {
    return shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' }, select: INVOICE_COLUMNS });
  }

  it('offers the five choices, the member carrier checked, and the well-known charities', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 1);
    const page = await shopper.agent.get('/checkout');
    expect(page.text).toContain('data-testid="invoice-choice"');
    expect(page.text).toMatch(/id="invoiceRecipient-member_carrier" value="member_carrier" checked/);
    for (const recipient of ['mobile_barcode', 'citizen_certificate', 'company', 'donation']) expect(page.text).toContain(`id="invoiceRecipient-${recipient}"`);
    expect(page.text).toContain('創世社會福利基金會');
    expect(page.text).toMatch(/id="invoiceCharity-919" value="919" checked/);
    expect(page.text).toContain('<script src="/static/js/invoice-choice.js"></script>');
  });

  it.each([
    [{}, { invoiceRecipient: 'member_carrier', invoiceCarrierNumber: null, invoiceTaxId: null, invoiceCompanyName: null, invoiceDonationCode: null }],
    [{ invoiceRecipient: 'mobile_barcode', invoiceBarcode: '／ａｂｃ+123' }, { invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/ABC+123', invoiceTaxId: null }],
    [{ invoiceRecipient: 'citizen_certificate', invoiceCertificate: 'ab12345678901234' }, { invoiceRecipient: 'citizen_certificate', invoiceCarrierNumber: 'AB12345678901234' }],
    [{ invoiceRecipient: 'company', invoiceTaxId: '１０４５８５７４', invoiceCompanyName: '豐收商行有限公司', invoiceBarcode: 'left over' }, { invoiceRecipient: 'company', invoiceTaxId: '10458574', invoiceCompanyName: '豐收商行有限公司', invoiceCarrierNumber: null }],
    [{ invoiceRecipient: 'donation', invoiceCharity: '88888' }, { invoiceRecipient: 'donation', invoiceDonationCode: '88888' }],
    [{ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: '7654321' }, { invoiceRecipient: 'donation', invoiceDonationCode: '7654321' }],
  ])('stores %j on the order as %j', async (details, stored) => {
    const { res } = await checkout(details);
    expect(res.status).toBe(303);
    expect(await lastOrderColumns()).toMatchObject(stored);
  });

  it.each([
    [{ invoiceRecipient: 'mobile_barcode', invoiceBarcode: '/ABC' }, 'invoiceBarcode', '手機條碼是斜線 / 加上 7 個英文大寫字母、數字或 . + - 符號，共 8 碼。', 'value="/ABC"'],
    [{ invoiceRecipient: 'citizen_certificate', invoiceCertificate: 'A1234' }, 'invoiceCertificate', '自然人憑證條碼是 2 個英文字母加 14 個數字。', 'value="A1234"'],
    [{ invoiceRecipient: 'company', invoiceTaxId: '88117126', invoiceCompanyName: '豐收' }, 'invoiceTaxId', '這組統一編號的檢查碼不符，請再核對一次。', 'value="88117126"'],
    [{ invoiceRecipient: 'company', invoiceTaxId: '5321', invoiceCompanyName: '豐收' }, 'invoiceTaxId', '統一編號是 8 碼數字。', 'value="豐收"'],
    [{ invoiceRecipient: 'company', invoiceTaxId: '53212539', invoiceCompanyName: ' ' }, 'invoiceCompanyName', '請填寫公司抬頭。', 'value="53212539"'],
    [{ invoiceRecipient: 'donation', invoiceCharity: 'other', invoiceDonationCode: '12' }, 'invoiceDonationCode', '捐贈碼是 3 至 7 碼數字。', 'value="12"'],
    [{ invoiceRecipient: 'donation', invoiceCharity: '5' }, 'invoiceCharity', '請選擇受贈單位。', 'id="invoiceRecipient-donation" value="donation" checked'],
    [{ invoiceRecipient: 'paper' }, 'invoiceRecipient', '請選擇發票要開立到哪裡。', 'value="王小明"'],
  ])('answers %j with 422, the error at %s, and what was typed', async (details, field, message, kept) => {
    const before = await shop.db.order.count();
    const { res } = await checkout(details);
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="checkout-errors"');
    expect(res.text).toContain(`data-testid="error-${field}">${message}</div>`);
    expect(res.text).toContain(`aria-describedby`);
    expect(res.text).toContain(kept);
    expect(await shop.db.order.count()).toBe(before);
  });

  it('names the invoice errors in English', async () => {
    const { res } = await checkout({ invoiceRecipient: 'company', invoiceTaxId: '88117126', invoiceCompanyName: '' }, 'en');
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="error-invoiceTaxId">This tax ID&#39;s check digit does not add up: please check it.</div>');
    expect(res.text).toContain('data-testid="error-invoiceCompanyName">Please enter the company name.</div>');
    expect(res.text).toContain('href="#invoiceTaxId"');
  });
});

describe('checkout with e-invoicing off', () => {
  let shop: ShopApp;
  beforeAll(async () => {
    shop = await startShopApp({ einvoice: { enabled: false, environment: 'simulator' } });
  });
  afterAll(async () => {
    await shop.close();
  });

  it('says no invoices are issued, offers no choice, and stores none', async () => {
    const tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 1);
    const page = await shopper.agent.get('/checkout');
    expect(page.text).toContain('data-testid="einvoice-off">本店目前不開立統一發票。');
    expect(page.text).not.toContain('name="invoiceRecipient"');
    expect(page.text).not.toContain('invoice-choice.js');
    const res = await shopper.checkout({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: 'bad' });
    expect(res.status).toBe(303);
    expect(await shop.db.order.findFirstOrThrow({ select: INVOICE_COLUMNS })).toEqual({
      invoiceRecipient: null, invoiceCarrierNumber: null, invoiceTaxId: null, invoiceCompanyName: null, invoiceDonationCode: null,
    });
  });
});
