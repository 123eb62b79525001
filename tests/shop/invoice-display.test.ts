// The e-invoice as the shopper sees it: on the order page (where it goes, then its number, date,
// random number, status and allowances), a line in My orders, and the payment-received e-mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../src/generated/prisma/client';
import { composeMail } from '../../src/mail/mail-content';
import { invoicesForOrders } from '../../src/einvoice/invoice-records';
import { createOrderLinks } from '../../src/orders/order-link';
import { createMailRenderer } from '../../src/mail/templates';
import { defaultCatalogs, mergeCatalogs } from '../../src/i18n/translate';
import { projectPath } from '../../src/paths';
import { Shopper, startShopApp, type CheckoutDetails, type ShopApp } from '../support/shop-app';
import { createInvoice } from '../support/invoice-fixtures';
import { formatTaipeiDateTime } from '../../src/web/views';

const ISSUED_AT = new Date('2026-12-06T03:04:05Z');
const zh = (date: Date) => formatTaipeiDateTime(date, 'zh-TW');

describe('the e-invoice on the shopper\'s pages', () => {
  let shop: ShopApp;
  let tea: Product;
  beforeAll(async () => {
    shop = await startShopApp();
    tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
  });
  afterAll(async () => {
    await shop.close();
  });

  async function placed(details: Partial<CheckoutDetails>): Promise<{ shopper: Shopper; order: Order }> {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 1);
    const res = await shopper.checkout({ payType: 'atm', ...details });
    expect(res.status).toBe(303);
    const id = /\/orders\/([0-9a-f-]+)$/.exec(res.headers.location!)![1]!;
    return { shopper, order: await shop.db.order.findUniqueOrThrow({ where: { id } }) };
  }

  const paid = (order: Order) => shop.db.order.update({ where: { id: order.id }, data: { status: 'paid', paidAt: new Date() } });

  it('says where the invoice goes, and that it is issued once paid', async () => {
    const { shopper, order } = await placed({ invoiceRecipient: 'mobile_barcode', invoiceBarcode: '/ABC+123' });
    const page = await shopper.agent.get(`/orders/${order.id}`);
    expect(page.text).toContain('data-testid="order-invoice"');
    expect(page.text).toMatch(/data-testid="invoice-recipient">手機條碼 \/ABC\+123</);
    expect(page.text).toMatch(/data-testid="invoice-status">待開立</);
    expect(page.text).toContain('付款完成後開立。');
    expect(page.text).not.toContain('data-testid="invoice-number"');
  });

  it('shows the issued invoice with its number, date, random number and allowances, in both languages', async () => {
    const { shopper, order } = await placed({ invoiceRecipient: 'company', invoiceTaxId: '53212539', invoiceCompanyName: '豐收商行' });
    await paid(order);
    await createInvoice(shop.db, order, {
      status: 'issued', number: 'AB10000001', issuedAt: ISSUED_AT, randomNumber: '4321',
      allowances: [{ amountTwd: 100, number: '2026120611040001', issuedAt: new Date('2026-12-07T02:00:00Z') }],
    });
    const page = await shopper.agent.get(`/orders/${order.id}`);
    expect(page.text).toMatch(/data-testid="invoice-recipient">公司（統一編號） 53212539 豐收商行</);
    expect(page.text).toMatch(/data-testid="invoice-status">已開立</);
    expect(page.text).toContain('data-testid="invoice-number">AB10000001<');
    expect(zh(ISSUED_AT)).toMatch(/^2026\D12\D06\D11:04$/);
    expect(page.text).toContain(`data-testid="invoice-date">${zh(ISSUED_AT)}<`);
    expect(page.text).toContain('data-testid="invoice-random">4321<');
    expect(page.text).toContain(`data-testid="invoice-allowance">${zh(new Date('2026-12-07T02:00:00Z'))} · <span class="amount">NT$100</span> · <span class="font-monospace">2026120611040001<`);

    const english = await shopper.agent.get(`/orders/${order.id}?lang=en`);
    expect(english.text).toMatch(/data-testid="invoice-recipient">Company \(tax ID\) 53212539/);
    expect(english.text).toMatch(/data-testid="invoice-status">Issued</);
    expect(english.text).toContain('Random number');

    const list = await shopper.agent.get('/orders?lang=zh-TW');
    expect(list.text).toMatch(/data-testid="order-invoice-line"><span class="font-monospace">AB10000001<\/span> · 已開立</);
  });

  it('shows an invoice the provider refused as still to be issued, never as refused', async () => {
    const { shopper, order } = await placed({});
    await paid(order);
    await createInvoice(shop.db, order, { status: 'refused', refused: { code: 'X', message: 'provider said no' } });
    const page = await shopper.agent.get(`/orders/${order.id}`);
    expect(page.text).toMatch(/data-testid="invoice-status">待開立</);
    expect(page.text).not.toContain('provider said no');
    const list = await shopper.agent.get('/orders');
    expect(list.text).toMatch(/data-testid="order-invoice-line">待開立 · 會員載具</);
  });

  it('shows no invoice section on an order placed without e-invoicing', async () => {
    const { shopper, order } = await placed({});
    await shop.db.order.update({ where: { id: order.id }, data: { invoiceRecipient: null } });
    const page = await shopper.agent.get(`/orders/${order.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('data-testid="order-invoice"');
    expect((await shopper.agent.get('/orders')).text).not.toContain('order-invoice-line');
  });

  it('puts the invoice in the payment-received e-mail: its number once issued, else where it goes', async () => {
    const render = createMailRenderer({ viewsDir: projectPath('views'), catalog: mergeCatalogs(...defaultCatalogs) });
    const deps = { db: shop.db, orderLinks: createOrderLinks('secret', () => new Date()), publicBaseUrl: 'https://shop.example' };
    const { order } = await placed({ invoiceRecipient: 'donation', invoiceCharity: '919' });
    await paid(order);
    const mail = await shop.db.mailOutbox.create({ data: { orderId: order.id, kind: 'payment_received' } });

    const before = render('payment_received', (await composeMail(deps, mail)).view);
    expect(before.text).toContain('電子發票: 捐贈 919');
    expect(before.text).toContain('電子發票將在稍後開立');
    expect(before.html).not.toContain('AB10000002');

    await createInvoice(shop.db, order, { status: 'issued', number: 'AB10000002', issuedAt: ISSUED_AT, randomNumber: '0042' });
    const after = render('payment_received', (await composeMail(deps, mail)).view);
    expect(after.text).toContain('發票號碼: AB10000002');
    expect(after.text).toContain('隨機碼: 0042');
    expect(after.text).toContain(`開立時間: ${zh(ISSUED_AT)} （台灣時間）`);
    expect(after.html).toContain('AB10000002');
    expect(after.text).not.toContain('稍後開立');
  });

  it('shows each order\'s own invoice line in My orders, read for the whole page at once', async () => {
    const shopper = new Shopper(shop.app);
    const orders: Order[] = [];
    for (const details of [{ invoiceRecipient: 'company', invoiceTaxId: '53212539', invoiceCompanyName: '豐收商行' }, {}, { invoiceRecipient: 'donation', invoiceCharity: '919' }, {}]) {
      await shopper.addToCart(tea.id, 1);
      const res = await shopper.checkout({ payType: 'atm', ...details });
      expect(res.status).toBe(303);
      orders.push(await shop.db.order.findUniqueOrThrow({ where: { id: /\/orders\/([0-9a-f-]+)$/.exec(res.headers.location!)![1]! } }));
    }
    const [issued, refused, queued, unpaid] = orders as [Order, Order, Order, Order];
    for (const order of [issued, refused, queued]) await paid(order);
    await createInvoice(shop.db, issued, { status: 'issued', number: 'AB10000003', issuedAt: ISSUED_AT, randomNumber: '1234' });
    await createInvoice(shop.db, refused, { status: 'refused', refused: { code: 'X', message: 'no' } });
    await createInvoice(shop.db, queued, { status: 'issued', number: 'AB10000004', issuedAt: ISSUED_AT, randomNumber: '5678' });
    await shop.db.invoice.update({ where: { orderId: queued.id }, data: { status: 'pending', number: null } });

    const found = await invoicesForOrders(shop.db, orders.map((order) => order.id));
    expect(Object.keys(found).sort()).toEqual([issued.id, refused.id, queued.id].sort());
    expect(found[issued.id]).toMatchObject({ orderId: issued.id, status: 'issued', number: 'AB10000003', randomNumber: '1234', issuedAt: ISSUED_AT });
    expect(await invoicesForOrders(shop.db, [])).toEqual({});

    const list = (await shopper.agent.get('/orders?lang=zh-TW')).text;
    const lineOf = (order: Order) => {
      const card = list.split('data-testid="order-card"').find((part) => part.includes(`data-order-number="${order.number}"`))!;
      return /data-testid="order-invoice-line">([^]*?)<\/dd>/.exec(card)?.[1];
    };
    expect(lineOf(issued)).toBe('<span class="font-monospace">AB10000003</span> · 已開立');
    expect(lineOf(refused)).toBe('待開立 · 會員載具');
    expect(lineOf(queued)).toBe('待開立 · 捐贈 919');
    expect(lineOf(unpaid)).toBe('待開立 · 會員載具');
  });
});
