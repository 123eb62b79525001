// Opening an order from another device: the look-up by order number and e-mail or phone, the
// signed link of the e-mails, and what the 404 of someone else's order says.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../src/generated/prisma/client';
import { createOrderLinks, ORDER_LINK_TTL_MS } from '../../src/orders/order-link';
import { LOOKUP_FAILURES_PER_ADDRESS, LOOKUP_FAILURES_PER_ORDER_NUMBER } from '../../src/web/order-lookup-throttle';
import { CUSTOMER, Shopper, startShopApp, type ShopApp } from '../support/shop-app';

const SESSION_SECRET = 'route-test-secret'; // startShopApp's
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

let shop: ShopApp;
let cake: Product;
beforeAll(async () => {
  shop = await startShopApp();
  cake = await shop.db.product.findUniqueOrThrow({ where: { slug: 'pineapple-cake-box' } });
});
afterAll(() => shop.close());

/** Each test its own client address, so the throttles of one do not reach another. */
const newAddress = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

async function placedOrder(owner = new Shopper(shop.app)): Promise<{ owner: Shopper; order: Order }> {
  await owner.addToCart(cake.id, 1);
  await owner.checkout({ payType: 'A' });
  const order = await shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  return { owner, order };
}

async function lookUp(shopper: Shopper, address: string, fields: { orderNumber: string; contact: string }) {
  const _csrf = await shopper.csrfToken();
  return shopper.agent.post('/orders/lookup').set('X-Forwarded-For', address).type('form').send({ _csrf, ...fields });
}

describe('find my order', () => {
  it('opens the order in another browser by its number and e-mail, however they are typed', async () => {
    const { order } = await placedOrder();
    const other = new Shopper(shop.app);
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(404);

    const found = await lookUp(other, newAddress(), { orderNumber: ` ${order.number.toLowerCase()} `, contact: CUSTOMER.email.toUpperCase() });

    expect(found.status).toBe(303);
    expect(found.headers.location).toBe(`/orders/${order.id}`);
    const page = await other.agent.get(`/orders/${order.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(order.number);
    expect((await other.agent.get('/orders')).text).toContain(order.number);
  });

  it('takes the mobile number with +886, dashes, spaces or full-width digits', async () => {
    const { order } = await placedOrder();
    for (const contact of ['+886 912-345-678', '０９１２３４５６７８', '0912 345 678']) {
      const other = new Shopper(shop.app);
      const found = await lookUp(other, newAddress(), { orderNumber: order.number, contact });
      expect(found.status, contact).toBe(303);
      expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(200);
    }
  });

  it('opens only that order, not the other orders of the browser that placed it', async () => {
    const { owner, order: first } = await placedOrder();
    const { order: second } = await placedOrder(owner);
    const other = new Shopper(shop.app);

    await lookUp(other, newAddress(), { orderNumber: second.number, contact: CUSTOMER.phone });

    expect((await other.agent.get(`/orders/${second.id}`)).status).toBe(200);
    expect((await other.agent.get(`/orders/${first.id}`)).status).toBe(404);
    expect((await owner.agent.get(`/orders/${first.id}`)).status).toBe(200);
  });

  it('answers an unknown number exactly as a wrong contact', async () => {
    const { order } = await placedOrder();
    const unknownNumber = `FS20260101${'ABCDEFGH'}`;
    const other = new Shopper(shop.app);

    const wrongContact = await lookUp(other, newAddress(), { orderNumber: order.number, contact: 'someone@else.tw' });
    const noSuchOrder = await lookUp(other, newAddress(), { orderNumber: unknownNumber, contact: 'someone@else.tw' });

    const comparable = (text: string, typedNumber: string) => text.replaceAll(typedNumber, 'NUMBER').replace(/name="_csrf" value="[^"]+"/, '');
    expect(wrongContact.status).toBe(404);
    expect(noSuchOrder.status).toBe(404);
    expect(comparable(wrongContact.text, order.number)).toBe(comparable(noSuchOrder.text, unknownNumber));
    expect(wrongContact.text).toContain('data-testid="lookup-problem"');
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(404);
  });

  it('asks for both fields when one is empty', async () => {
    const res = await lookUp(new Shopper(shop.app), newAddress(), { orderNumber: '', contact: '' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('aria-invalid="true"');
    expect(res.text).toContain('id="orderNumber-error"');
  });

  it(`stops guessing one order's contact after ${LOOKUP_FAILURES_PER_ORDER_NUMBER} failures from any addresses, known order or not`, async () => {
    const { order } = await placedOrder();
    const unknownNumber = 'FS20260101ZZZZZZZZ';
    const guesser = new Shopper(shop.app);
    for (let i = 0; i < LOOKUP_FAILURES_PER_ORDER_NUMBER; i++) {
      expect((await lookUp(guesser, newAddress(), { orderNumber: order.number, contact: `09000000${10 + i}` })).status).toBe(404);
      expect((await lookUp(guesser, newAddress(), { orderNumber: unknownNumber, contact: `09000000${10 + i}` })).status).toBe(404);
    }

    const rightContact = await lookUp(new Shopper(shop.app), newAddress(), { orderNumber: order.number, contact: CUSTOMER.email });
    const unknown = await lookUp(new Shopper(shop.app), newAddress(), { orderNumber: unknownNumber, contact: CUSTOMER.email });

    expect(rightContact.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(rightContact.text).toContain('15');
  });

  it(`stops one address after ${LOOKUP_FAILURES_PER_ADDRESS} failed look-ups, and a found order does not count`, async () => {
    const { order } = await placedOrder();
    const address = newAddress();
    const guesser = new Shopper(shop.app);
    expect((await lookUp(guesser, address, { orderNumber: order.number, contact: CUSTOMER.email })).status).toBe(303);
    for (let i = 0; i < LOOKUP_FAILURES_PER_ADDRESS; i++) {
      expect((await lookUp(guesser, address, { orderNumber: `FS2026010${i}QQQQQQQQ`, contact: CUSTOMER.email })).status).toBe(404);
    }

    const blocked = await lookUp(guesser, address, { orderNumber: order.number, contact: CUSTOMER.email });

    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});

describe('the signed order link', () => {
  it('opens the order in a browser that never saw it', async () => {
    const { order } = await placedOrder();
    const links = createOrderLinks(SESSION_SECRET, () => new Date());
    const other = new Shopper(shop.app);

    const opened = await other.agent.get(links.pathFor(order.id));

    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe(`/orders/${order.id}`);
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(200);
  });

  it('has expired after its time, and then points to the look-up', async () => {
    const { order } = await placedOrder();
    const madeLongAgo = createOrderLinks(SESSION_SECRET, () => new Date(Date.now() - ORDER_LINK_TTL_MS - 60_000));
    const other = new Shopper(shop.app);

    const res = await other.agent.get(madeLongAgo.pathFor(order.id));

    expect(res.status).toBe(410);
    expect(res.text).toContain('data-testid="lookup-form"');
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(404);
  });

  it('refuses a link whose order, time or signature was changed, or signed with another key', async () => {
    const { order } = await placedOrder();
    const { order: another } = await placedOrder();
    const links = createOrderLinks(SESSION_SECRET, () => new Date());
    const path = links.pathFor(order.id);
    const until = /until=(\d+)/.exec(path)![1]!;
    const sig = /sig=([^&]+)/.exec(path)![1]!;
    const tampered = [
      path.replace(order.id, another.id),
      path.replace(`until=${until}`, `until=${Number(until) + 86_400}`),
      path.replace(sig, `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`),
      // The last of 43 characters carries 4 bits and 2 of padding: this one decodes to the same bytes.
      path.replace(sig, `${sig.slice(0, -1)}${BASE64URL[BASE64URL.indexOf(sig.at(-1)!) ^ 1]}`),
      path.replace(/sig=[^&]+/, 'sig='),
      createOrderLinks('another-secret', () => new Date()).pathFor(order.id),
    ];
    const other = new Shopper(shop.app);
    for (const attempt of tampered) {
      const res = await other.agent.get(attempt);
      expect(res.status, attempt).toBe(404);
      expect(res.text).toContain('data-testid="lookup-problem"');
    }
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(404);
    expect((await other.agent.get(`/orders/${another.id}`)).status).toBe(404);
  });
});

describe("someone else's order", () => {
  it('answers 404 with a way to find one’s own order', async () => {
    const { order } = await placedOrder();
    const res = await new Shopper(shop.app).agent.get(`/orders/${order.id}`);
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/data-testid="error-help"><a [^>]*href="\/orders\/lookup">/);
    expect(res.text).not.toContain(order.number);
  });
});
