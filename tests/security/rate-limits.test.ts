// Requests per client address on the bank callbacks, checkout and the cart, with limits made small.
// The app trusts its loopback proxy, so each test speaks from its own address (X-Forwarded-For).
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { NOTIFY_PATH, RETURN_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { CapturedLogs } from '../support/log-capture';
import { CUSTOMER, Shopper } from '../support/shop-app';
import { createProduct } from '../support/shop-fixtures';
import { startShopHarness, type ShopHarness } from '../support/shop-harness';

const LIMITS = { callbacks: 3, checkout: 2, cart: 3 };
const logs = new CapturedLogs();
let shop: ShopHarness;
let product: Product;

beforeAll(async () => {
  shop = await startShopHarness({}, { logDestination: logs, rateLimits: LIMITS });
  product = await createProduct(shop.db, { priceTwd: 300, stock: 50 });
});
afterAll(() => shop.close());

const notification = () => JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: randomBytes(32).toString('hex') });
const notifyFrom = (address: string, body = notification()) =>
  request(shop.baseUrl).post(NOTIFY_PATH).set('X-Forwarded-For', address).set('Content-Type', 'application/json').send(body);

describe('the bank callbacks', () => {
  it(`answer the notification past ${LIMITS.callbacks} a window with 429 and {"Status":"F"}, so that the bank tries again later`, async () => {
    for (let i = 0; i < LIMITS.callbacks; i++) expect((await notifyFrom('198.51.100.1')).text).toBe('{"Status":"S"}');
    const body = notification();

    const refused = await notifyFrom('198.51.100.1', body).set('X-Request-Id', 'limited-notification');

    expect(refused.status).toBe(429);
    expect(refused.text).toBe('{"Status":"F"}');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(await shop.db.payToken.count({ where: { token: JSON.parse(body).PayToken } })).toBe(0);
    expect(logs.forRequest('limited-notification')).toContainEqual(expect.objectContaining({ msg: 'request refused', status: 429 }));
  });

  it('count the notification and the return together, and show the shopper a page', async () => {
    for (let i = 0; i < LIMITS.callbacks; i++) await notifyFrom('198.51.100.2');

    const refused = await request(shop.baseUrl)
      .post(RETURN_PATH)
      .set('X-Forwarded-For', '198.51.100.2')
      .type('form')
      .send({ ShopNo: DEMO_SHOP.shopNo, PayToken: 'abc' });

    expect(refused.status).toBe(429);
    expect(refused.text).toContain('請求太頻繁');
  });

  it('keep one address’s count from holding back another', async () => {
    for (let i = 0; i <= LIMITS.callbacks; i++) await notifyFrom('198.51.100.3');

    expect((await notifyFrom('198.51.100.4')).status).toBe(200);
  });
});

describe('checkout', () => {
  it(`refuses a checkout past ${LIMITS.checkout} a window from one address, and places no order`, async () => {
    const browser = new Shopper(shop.baseUrl);
    await browser.addToCart(product.id, 1);
    const checkout = async (details: Record<string, unknown>) => {
      const form = await browser.openCheckout();
      return browser.agent.post('/checkout').set('X-Forwarded-For', '198.51.100.5').type('form').send({ ...form, ...details });
    };
    for (let i = 0; i < LIMITS.checkout; i++) expect((await checkout({ ...CUSTOMER, email: 'not-an-email' })).status).toBe(422);
    const ordersBefore = await shop.db.order.count();

    const refused = await checkout({ ...CUSTOMER });

    expect(refused.status).toBe(429);
    expect(refused.text).toContain('請求太頻繁');
    expect(await shop.db.order.count()).toBe(ordersBefore);
  });
});

describe('the cart', () => {
  it(`refuses a change past ${LIMITS.cart} a window from one address, and keeps the cart as it was`, async () => {
    const browser = new Shopper(shop.baseUrl);
    const add = async () => {
      const _csrf = await browser.csrfToken();
      return browser.agent.post('/cart/items').set('X-Forwarded-For', '198.51.100.6').type('form').send({ _csrf, productId: product.id });
    };
    for (let i = 0; i < LIMITS.cart; i++) expect((await add()).status).toBe(303);

    const refused = await add();

    expect(refused.status).toBe(429);
    expect((await browser.agent.get('/cart')).text).toMatch(new RegExp(`value="${LIMITS.cart}"[^>]*data-testid="cart-line-quantity"`));
  });

  it('counts every address of one IPv6 /64 as one client, and a neighbouring /64 apart', async () => {
    const browser = new Shopper(shop.baseUrl);
    const addFrom = async (address: string) => {
      const _csrf = await browser.csrfToken();
      return browser.agent.post('/cart/items').set('X-Forwarded-For', address).type('form').send({ _csrf, productId: product.id });
    };
    for (let i = 1; i <= LIMITS.cart; i++) expect((await addFrom(`2001:db8:21:6::${i.toString(16)}`)).status).toBe(303);

    expect((await addFrom('2001:db8:21:6:ffff:ffff:ffff:ffff')).status).toBe(429);
    expect((await addFrom('2001:db8:21:7::1')).status).toBe(303);
  });
});
