// The back office's e-invoices: the list by status with keyset paging, the accountant's CSV, the
// order page's invoice with its history and retry, and the line saying whether invoicing is on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../src/generated/prisma/client';
import { formatTaipeiDateTime } from '../../src/web/views';
import { AdminBrowser, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { createInvoice, type InvoiceFixture } from '../support/invoice-fixtures';
import { createOrder, createProduct } from '../support/shop-fixtures';

describe('the back office\'s e-invoices', () => {
  let h: AdminHarness;
  let merchant: AdminBrowser;
  let product: Product;
  const made: Record<string, Order> = {};
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000);

  async function invoicedOrder(fixture: InvoiceFixture, choice: Partial<Order> = {}): Promise<Order> {
    const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const updated = await h.db.order.update({ where: { id: order.id }, data: { status: 'paid', paidAt: new Date(), invoiceRecipient: 'member_carrier', ...choice } });
    await createInvoice(h.db, updated, fixture);
    return updated;
  }

  beforeAll(async () => {
    h = await startAdminHarness();
    merchant = await signedIn(h.app);
    product = await createProduct(h.db, { priceTwd: 1_200, stock: 1_000 });
    made.issued = await invoicedOrder({ status: 'issued', number: 'AB10000001', issuedAt: at(50), randomNumber: '1111', createdAt: at(50) },
      { invoiceRecipient: 'company', invoiceTaxId: '53212539', invoiceCompanyName: '豐收商行, "台北"' });
    made.void = await invoicedOrder({ status: 'void', number: 'AB10000002', issuedAt: at(40), randomNumber: '2222', voidedAt: at(30), createdAt: at(40) });
    made.allowance = await invoicedOrder({
      status: 'issued', number: 'AB10000003', issuedAt: at(30), randomNumber: '3333', createdAt: at(30),
      allowances: [{ amountTwd: 200, number: '2026120600000001', issuedAt: at(20) }],
    }, { invoiceRecipient: 'donation', invoiceDonationCode: '919' });
    made.refused = await invoicedOrder({ status: 'refused', refused: { code: '5000028', message: '統編, no carrier' }, createdAt: at(20) });
  });
  afterAll(() => h?.close());

  const rowsOf = (html: string) => [...html.matchAll(/data-testid="admin-invoice-row" data-order-number="([^"]+)"/g)].map((match) => match[1]);

  it('is for a signed-in merchant only', async () => {
    const stranger = new AdminBrowser(h.app);
    for (const path of ['/admin/invoices', '/admin/invoices.csv']) {
      const res = await stranger.agent.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toMatch(/^\/admin\/login/);
    }
  });

  it('lists the invoices newest first, and by issued, void, with allowances and needing attention', async () => {
    const all = await merchant.agent.get('/admin/invoices');
    expect(all.status).toBe(200);
    expect(rowsOf(all.text)).toEqual([made.refused!.number, made.allowance!.number, made.void!.number, made.issued!.number]);
    expect(all.text).toContain('data-testid="nav-invoices"');
    expect(all.text).toMatch(/data-testid="einvoice-setting">\s*電子發票：開立中；環境：本機模擬器（測試）。/);

    const by = async (status: string) => rowsOf((await merchant.agent.get(`/admin/invoices?status=${status}`)).text);
    expect(await by('issued')).toEqual([made.allowance!.number, made.issued!.number]);
    expect(await by('void')).toEqual([made.void!.number]);
    expect(await by('allowance')).toEqual([made.allowance!.number]);
    expect(await by('failed')).toEqual([made.refused!.number]);
    // An unknown filter shows them all rather than failing.
    expect(await by('nonsense')).toHaveLength(4);

    const failed = await merchant.agent.get('/admin/invoices?status=failed&lang=en');
    expect(failed.text).toContain('data-testid="invoice-status">Refused by the provider</span>');
    expect(failed.text).toContain('data-testid="invoice-attention">Needs attention</span>');
    expect(failed.text).toMatch(/aria-current="page" href="\/admin\/invoices\?status=failed"/);
  });

  it('gives the accountant a CSV of every invoice of the filter, with the buyer\'s tax ID and the amounts', async () => {
    const res = await merchant.agent.get('/admin/invoices.csv?lang=zh-TW');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="?invoices-all-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('\uFEFF訂單編號,發票號碼,開立日期,隨機碼,狀態,開立方式,載具號碼,買方統一編號,買方名稱,捐贈碼,發票金額（含稅）,已折讓金額,剩餘金額,作廢日期');
    expect(lines).toHaveLength(6);
    const issuedDay = formatTaipeiDateTime(at(50), 'en').slice(0, 10);
    expect(lines).toContain(`${made.issued!.number},AB10000001,${issuedDay},1111,已開立,公司（統一編號）,,53212539,"豐收商行, ""台北""",,1200,0,1200,`);
    expect(lines.find((line) => line.startsWith(made.allowance!.number))).toMatch(/,AB10000003,.*,已開立,捐贈,,,,919,1200,200,1000,$/);
    expect(lines.find((line) => line.startsWith(made.void!.number))).toMatch(/,已作廢,會員載具,,,,,1200,0,0,\d{4}-\d{2}-\d{2}$/);

    const voidOnly = await merchant.agent.get('/admin/invoices.csv?status=void&lang=en');
    expect(voidOnly.text.split('\r\n')[0]).toContain('Order number,Invoice number,Invoice date');
    expect(voidOnly.text.split('\r\n').filter(Boolean)).toHaveLength(2);
  });

  it('shows the order\'s invoice with its allowances and history, and a retry for a refused step', async () => {
    const page = await merchant.agent.get(`/admin/orders/${made.allowance!.id}?lang=zh-TW`);
    expect(page.text).toContain('data-testid="admin-invoice-number">AB10000003<');
    expect(page.text).toMatch(/data-testid="admin-invoice-status">已開立</);
    expect(page.text).toContain('2026120600000001');
    expect(page.text).toMatch(/data-testid="admin-invoice-recipient">捐贈 919</);
    expect([...page.text.matchAll(/data-testid="admin-invoice-event"/g)]).toHaveLength(3);
    expect(page.text).not.toContain('data-testid="invoice-retry"');

    const refused = await merchant.agent.get(`/admin/orders/${made.refused!.id}`);
    const step = await h.db.invoiceStep.findFirstOrThrow({ where: { invoice: { orderId: made.refused!.id } } });
    expect(refused.text).toContain(`action="/admin/invoices/steps/${step.id}/retry"`);
    expect(refused.text).toContain('data-testid="invoice-retry"');
    expect(refused.text).toContain('統編, no carrier');
    expect(refused.text).toMatch(/data-testid="admin-invoice-status">開立遭拒</);

    const none = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'atm' });
    expect((await merchant.agent.get(`/admin/orders/${none.id}`)).text).toContain('data-testid="admin-invoice-none"');
  });

  it('says on the settings page that invoicing is on, and at which environment', async () => {
    const page = await merchant.agent.get('/admin/settings?lang=en');
    expect(page.text).toMatch(/data-testid="einvoice-setting">\s*E-invoices: issued; environment: Local simulator \(testing\)\./);
  });
});

describe('the back office with e-invoicing off', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness({ einvoice: { enabled: false, environment: 'production' } });
  });
  afterAll(() => h?.close());

  it('says so on the settings and invoices pages', async () => {
    const merchant = await signedIn(h.app);
    for (const path of ['/admin/settings', '/admin/invoices']) {
      const page = await merchant.agent.get(path);
      expect(page.text, path).toContain('電子發票：已停用（本店不開立統一發票），結帳頁不詢問發票。');
    }
  });
});

describe('the invoice list\'s pages', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(() => h?.close());

  it('pages by key, 50 at a time, newest first, each invoice once', async () => {
    const product = await createProduct(h.db, { priceTwd: 100, stock: 1_000 });
    const numbers: string[] = [];
    for (let i = 0; i < 55; i++) {
      const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
      await h.db.order.update({ where: { id: order.id }, data: { invoiceRecipient: 'member_carrier' } });
      // Two by two at the same instant: the id breaks the tie.
      await createInvoice(h.db, order, { status: 'issued', number: `CD${String(10_000_000 + i)}`, issuedAt: new Date(), randomNumber: '0000', createdAt: new Date(Date.UTC(2026, 11, 1, 0, Math.floor(i / 2))) });
      numbers.push(order.number);
    }
    const merchant = await signedIn(h.app);
    const first = await merchant.agent.get('/admin/invoices');
    const firstRows = [...first.text.matchAll(/data-testid="admin-invoice-row" data-order-number="([^"]+)"/g)].map((m) => m[1]);
    expect(firstRows).toHaveLength(50);
    const next = /href="\/admin\/invoices\?after=([\w-]+)" rel="next"/.exec(first.text)?.[1];
    expect(next).toBeDefined();
    const second = await merchant.agent.get(`/admin/invoices?after=${next}`);
    const secondRows = [...second.text.matchAll(/data-testid="admin-invoice-row" data-order-number="([^"]+)"/g)].map((m) => m[1]);
    expect(secondRows).toHaveLength(5);
    expect(new Set([...firstRows, ...secondRows])).toEqual(new Set(numbers));
    expect(second.text).toMatch(/class="page-item disabled"><a class="page-link" href="\/admin\/invoices\?after=" rel="next"/);
    // Filtered pages keep their filter in the link.
    const issued = await merchant.agent.get('/admin/invoices?status=issued');
    expect(issued.text).toMatch(/href="\/admin\/invoices\?status=issued&amp;after=[\w-]+" rel="next"/);
  });
});
