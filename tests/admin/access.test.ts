// Nothing under /admin is reachable without signing in, and nothing at all without a back office.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminBrowser, paidCardAttempt, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';

let h: AdminHarness;
let paymentId: string;
let orderId: string;

beforeAll(async () => {
  h = await startAdminHarness();
  const { order, payment } = await paidCardAttempt(h);
  orderId = order.id;
  paymentId = payment.id;
});
afterAll(() => h.close());

const pages = () => [
  '/admin',
  '/admin/orders',
  '/admin/orders?q=T&status=paid',
  '/admin/orders.csv',
  `/admin/orders/${orderId}`,
  `/admin/payments/${paymentId}/refund`,
  `/admin/payments/${paymentId}/cancel`,
  '/admin/payments/attention',
  '/admin/no-such-page',
];

describe('signed out', () => {
  it('every back-office page redirects to the login page, remembering where it was going', async () => {
    for (const path of pages()) {
      const response = await request(h.app).get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 303 });
      expect(response.headers.location).toBe(`/admin/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('every back-office action redirects to the login page and changes nothing, even with a valid CSRF token', async () => {
    const browser = new AdminBrowser(h.app);
    const key = '6f1f8e0c-4a0b-4c36-9d1e-2b7c8a5e9f10';
    const actions: Array<[string, Record<string, string | number>]> = [
      [`/admin/payments/${paymentId}/recheck`, {}],
      [`/admin/payments/${paymentId}/refund/review`, { kind: 'refund', amountTwd: 100, idempotencyKey: key }],
      [`/admin/payments/${paymentId}/refunds`, { kind: 'refund', amountTwd: 100, idempotencyKey: key }],
      [`/admin/payments/${paymentId}/refunds`, { kind: 'cancel', idempotencyKey: key }],
    ];
    const exchangesBefore = await h.db.gatewayExchange.count();
    for (const [path, fields] of actions) {
      const response = await browser.post(path, fields);
      expect({ path, status: response.status, location: response.headers.location }).toEqual({ path, status: 303, location: '/admin/login' });
    }
    await h.audit.flush();
    expect(await h.db.refund.count()).toBe(0);
    expect(await h.db.gatewayExchange.count()).toBe(exchangesBefore);
    const atBank = h.sandbox.sandbox.control.order({ orderNo: (await h.db.payment.findUniqueOrThrow({ where: { id: paymentId } })).orderNo });
    expect(atBank.refunds).toEqual([]);
  });

  it('a form post without the CSRF token is refused before anything else', async () => {
    const response = await request(h.app).post(`/admin/payments/${paymentId}/recheck`).type('form').send({});
    expect(response.status).toBe(403);
  });
});

describe('signed in', () => {
  it('the same pages open', async () => {
    const browser = await signedIn(h.app);
    for (const path of pages().filter((p) => p !== '/admin' && p !== '/admin/no-such-page')) {
      const response = await browser.agent.get(path);
      expect({ path, status: response.status, cache: response.headers['cache-control'] }).toEqual({ path, status: 200, cache: 'no-store' });
    }
    expect((await browser.agent.get('/admin')).headers.location).toBe('/admin/orders');
    expect((await browser.agent.get('/admin/no-such-page')).status).toBe(404);
  });

  it('signing out closes them again', async () => {
    const browser = await signedIn(h.app);
    const out = await browser.post('/admin/logout');
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/admin/login');
    expect((await browser.agent.get('/admin/orders')).status).toBe(303);
  });

  it('a shopper session is not a back-office session', async () => {
    const shopper = request.agent(h.app);
    await shopper.get('/');
    expect((await shopper.get('/admin/orders')).status).toBe(303);
  });
});

describe('without back-office credentials configured', () => {
  let bare: AdminHarness;
  beforeAll(async () => {
    bare = await startAdminHarness({ backOffice: false });
  });
  afterAll(() => bare.close());

  it('/admin does not exist', async () => {
    for (const path of ['/admin', '/admin/login', '/admin/orders']) {
      expect((await request(bare.app).get(path)).status).toBe(404);
    }
  });
});
