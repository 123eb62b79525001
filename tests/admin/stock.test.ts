// The merchant's stock changes: recorded with who, when, before and after and why, shown as the
// product's history, refused below zero, and never racing another merchant or the shoppers' checkouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminBrowser, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { CUSTOMER, Shopper } from '../support/shop-app';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

const product = (slug: string) => h.db.product.findUniqueOrThrow({ where: { slug } });
const history = (productId: number) => h.db.stockChange.findMany({ where: { productId }, orderBy: { id: 'asc' } });

describe('a stock change', () => {
  it('is recorded with who, when, before, after, reason and note, and shown on the product page', async () => {
    const soap = await product('taiwan-cypress-soap');
    const res = await admin.post(`/admin/products/${soap.id}/stock`, { delta: '+24', reason: 'restock', note: '第二批到貨' });
    expect(res.status).toBe(303);
    const [change] = await history(soap.id);
    expect(change).toMatchObject({ delta: 24, stockBefore: 70, stockAfter: 94, reason: 'restock', who: 'merchant', note: '第二批到貨' });
    expect(Date.now() - change!.createdAt.getTime()).toBeLessThan(60_000);
    expect((await product('taiwan-cypress-soap')).stock).toBe(94);

    await admin.post(`/admin/products/${soap.id}/stock`, { delta: '−3', reason: 'damaged', note: '' });
    const page = await admin.agent.get(`${res.headers.location}?lang=en`);
    expect(page.text).toContain('Stock changed from 94 to 91.');
    expect(page.text).toMatch(/data-testid="stock-now">91</);
    const rows = [...page.text.matchAll(/data-testid="stock-change" data-delta="(-?\d+)" data-before="(\d+)" data-after="(\d+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((row) => row.slice(1, 4))).toEqual([['-3', '94', '91'], ['24', '70', '94']]);
    expect(rows[0]![4]).toContain('Damaged');
    expect(rows[1]![4]).toContain('Restock');
    expect(rows[1]![4]).toContain('第二批到貨');
    expect(rows[1]![4]).toContain('merchant');
  });

  it('never takes the stock below zero: the page comes back with the value kept and the stock as it is', async () => {
    const roe = await product('mullet-roe');
    const res = await admin.post(`/admin/products/${roe.id}/stock?lang=en`, { delta: '-16', reason: 'correction', note: 'counted' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Stock cannot go below 0');
    expect(res.text).toContain('value="-16"');
    expect(res.text).toContain('value="counted"');
    expect((await product('mullet-roe')).stock).toBe(15);
    expect(await history(roe.id)).toEqual([]);
  });

  it('names each bad field and keeps the values, never a 500', async () => {
    const cup = await product('yingge-ceramic-cup');
    for (const [fields, field] of [
      [{ delta: 'abc', reason: 'restock' }, 'delta'],
      [{ delta: '0', reason: 'restock' }, 'delta'],
      [{ delta: '1.5', reason: 'restock' }, 'delta'],
      [{ delta: '99999999', reason: 'restock' }, 'delta'],
      [{ delta: '5', reason: 'stolen' }, 'reason'],
      [{ delta: '5', reason: 'restock', note: 'a\u0007b' }, 'note'],
      [{ delta: '5', reason: 'restock', note: 'x'.repeat(201) }, 'note'],
    ] as const) {
      const res = await admin.post(`/admin/products/${cup.id}/stock`, fields);
      expect(res.status, JSON.stringify(fields)).toBe(422);
      expect(res.text).toContain(`data-testid="error-${field}"`);
    }
    const kept = await admin.post(`/admin/products/${cup.id}/stock`, { delta: 'twelve', reason: 'correction' });
    expect(kept.text).toContain('value="twelve"');
    expect(kept.text).toMatch(/<option value="correction" selected>/);
    expect(await history(cup.id)).toEqual([]);
    expect((await admin.post('/admin/products/999999/stock', { delta: '1', reason: 'restock' })).status).toBe(404);
  });
});

describe('stock changes at the same time', () => {
  it('from two merchants: every change lands, each on the stock the one before left', async () => {
    const oil = await product('beigang-sesame-oil');
    const other = await signedIn(h.app);
    const deltas = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? -2 : 5));
    const results = await Promise.all(
      deltas.map((delta, i) => (i % 2 === 0 ? admin : other).post(`/admin/products/${oil.id}/stock`, { delta: String(delta), reason: delta > 0 ? 'restock' : 'damaged' })),
    );
    expect(results.map((res) => res.status)).toEqual(deltas.map(() => 303));
    const sum = deltas.reduce((a, b) => a + b, 0);
    expect((await product('beigang-sesame-oil')).stock).toBe(oil.stock + sum);

    const changes = await history(oil.id);
    expect(changes).toHaveLength(20);
    let stock = oil.stock;
    for (const change of changes) {
      expect(change.stockBefore).toBe(stock);
      expect(change.stockAfter).toBe(stock + change.delta);
      stock = change.stockAfter;
    }
  });

  it('from a merchant while 20 shoppers check out the last few: the stock adds up, and never goes below zero', async () => {
    const kit = await product('bubble-tea-kit');
    // Ten left, twenty shoppers with one each in their carts.
    await h.db.product.update({ where: { id: kit.id }, data: { stock: 10 } });
    const shoppers = Array.from({ length: 20 }, () => new Shopper(h.app));
    for (const shopper of shoppers) expect((await shopper.addToCart(kit.id, 1)).status).toBe(303);
    const forms = await Promise.all(shoppers.map((shopper) => shopper.openCheckout()));

    const [checkouts, restock, damaged] = await Promise.all([
      Promise.all(shoppers.map((shopper, i) => shopper.agent.post('/checkout').type('form').send({ ...forms[i], ...CUSTOMER }))),
      admin.post(`/admin/products/${kit.id}/stock`, { delta: '6', reason: 'restock' }),
      admin.post(`/admin/products/${kit.id}/stock`, { delta: '-1', reason: 'damaged' }),
    ]);

    const placed = await h.db.orderLine.aggregate({ where: { productId: kit.id }, _sum: { quantity: true } });
    const sold = placed._sum.quantity ?? 0;
    // The shoppers refused were sent back to their carts, none with an error.
    expect(checkouts.filter((res) => res.status === 303 && res.headers.location === '/cart').length).toBe(20 - sold);
    expect(checkouts.every((res) => res.status === 303)).toBe(true);

    const changes = await history(kit.id);
    const merchant = changes.reduce((sum, change) => sum + change.delta, 0);
    // The restock always lands; the damaged one only if a unit was left at that moment.
    expect(restock.status).toBe(303);
    expect([303, 422]).toContain(damaged.status);
    expect(changes).toHaveLength(damaged.status === 303 ? 2 : 1);
    const final = (await product('bubble-tea-kit')).stock;
    expect(final).toBe(10 + merchant - sold);
    expect(final).toBeGreaterThanOrEqual(0);
    expect(sold).toBeGreaterThanOrEqual(10);
    for (const change of changes) expect(change.stockAfter).toBe(change.stockBefore + change.delta);
  });
});
