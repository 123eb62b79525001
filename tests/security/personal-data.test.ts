// What the shop keeps about visitors and cards: a visitor who only looks around leaves no session
// row, one with a cart a row that lives thirty days; card digits the bank reports are masked in the
// bank-exchange audit and on the back office's order page, rows written before masking included.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paidCardAttempt, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { Shopper } from '../support/shop-app';

let h: AdminHarness;
beforeAll(async () => {
  h = await startAdminHarness();
});
afterAll(() => h.close());

const sessionRows = () => h.db.session.findMany();
const DAY_MS = 24 * 3_600_000;

describe('sessions', () => {
  it('a visitor who only looks around leaves no row; one with a cart leaves a row that lives 30 days', async () => {
    const before = await h.db.session.count();
    const product = await h.db.product.findFirstOrThrow({ where: { status: 'active', stock: { gt: 0 } } });

    for (let i = 0; i < 5; i++) {
      expect((await request(h.app).get('/')).status).toBe(200);
      expect((await request(h.app).get(`/products/${product.slug}`)).status).toBe(200);
    }
    const looker = new Shopper(h.app);
    for (const path of ['/', `/products/${product.slug}`, '/cart', '/orders/lookup']) expect((await looker.agent.get(path)).status).toBe(200);
    expect(await h.db.session.count()).toBe(before);

    const shopper = new Shopper(h.app);
    await shopper.addToCart(product.id, 1);
    const withCart = (await sessionRows()).filter((row) => (row.sess as { cart?: unknown }).cart);
    expect(withCart.length).toBeGreaterThan(0);
    for (const row of withCart) expect(row.expire.getTime()).toBeGreaterThan(Date.now() + 29 * DAY_MS);
  });

  it('a shopper with a session browsing pages adds no rows', async () => {
    const shopper = new Shopper(h.app);
    const product = await h.db.product.findFirstOrThrow({ where: { status: 'active', stock: { gt: 0 } } });
    await shopper.addToCart(product.id, 1);
    const count = await h.db.session.count();

    for (let i = 0; i < 3; i++) for (const path of ['/', `/products/${product.slug}`, '/cart']) await shopper.agent.get(path);

    expect(await h.db.session.count()).toBe(count);
  });
});

describe('card digits', () => {
  it('are masked in the audit of the bank exchanges and on the back office’s order page', async () => {
    const admin = await signedIn(h.app);
    const { order, payment } = await paidCardAttempt(h);
    expect((await admin.post(`/admin/payments/${payment.id}/recheck`)).status).toBe(303);
    await h.audit.flush();

    const query = await h.db.gatewayExchange.findFirstOrThrow({ where: { orderNo: payment.orderNo, service: 'OrderQuery' }, orderBy: { id: 'desc' } });
    const stored = JSON.stringify(query.response);
    expect(stored).toMatch(/"LeftCCNo":"\*{6}"/);
    expect(stored).toMatch(/"RightCCNo":"\*{4}"/);
    expect(stored).toMatch(/"CCExpDate":"\*+"/);

    // A row written before masking existed.
    await h.db.gatewayExchange.create({
      data: {
        service: 'OrderQuery', orderNo: payment.orderNo, paymentId: payment.id, durationMs: 1, outcome: 'ok',
        request: {}, response: { OrderList: [{ CardParam: { LeftCCNo: '499937', RightCCNo: '3145', CCExpDate: '1230', Marker: randomUUID() } }] },
      },
    });
    const page = await admin.agent.get(`/admin/orders/${order.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&quot;LeftCCNo&quot;: &quot;******&quot;');
    expect(page.text).not.toMatch(/499937|&quot;3145&quot;|&quot;1230&quot;/);
  });
});
