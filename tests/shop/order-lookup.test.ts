// Opening an order from another device: the look-up by order number and e-mail or phone, the
// signed link of the e-mails, and what the 404 of someone else's order says.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../src/generated/prisma/client';
import { createOrderLinks, ORDER_LINK_TTL_MS } from '../../src/orders/order-link';
import { LOOKUP_FAILURES_PER_ADDRESS, LOOKUP_FAILURES_PER_NUMBER_AND_ADDRESS, LOOKUP_FAILURES_PER_ORDER_NUMBER } from '../../src/web/order-lookup-throttle';
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
  await owner.checkout({ payType: 'atm' });
  const order = await shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  return { owner, order };
}

/** The hidden fields of the signed link's page, which its button posts. */
function openFields(html: string): Record<string, string> {
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;
  return { _csrf: field('_csrf'), until: field('until'), sig: field('sig') };
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

describe('wrong contacts from one address', () => {
  it(`stop that address after ${LOOKUP_FAILURES_PER_NUMBER_AND_ADDRESS} for one number, and never lock the order's own shopper out`, async () => {
    const { order } = await placedOrder();
    const { order: another } = await placedOrder();
    const guesserAddress = newAddress();
    const guesser = new Shopper(shop.app);
    for (let i = 0; i < LOOKUP_FAILURES_PER_NUMBER_AND_ADDRESS; i++) {
      expect((await lookUp(guesser, guesserAddress, { orderNumber: order.number, contact: `09000000${10 + i}` })).status).toBe(404);
    }

    expect((await lookUp(guesser, guesserAddress, { orderNumber: order.number, contact: CUSTOMER.email })).status).toBe(429);
    expect((await lookUp(guesser, guesserAddress, { orderNumber: another.number, contact: CUSTOMER.email })).status).toBe(303);
    expect((await lookUp(new Shopper(shop.app), newAddress(), { orderNumber: order.number, contact: CUSTOMER.email })).status).toBe(303);
  });

  it('count every address of one IPv6 /64 together', async () => {
    const { order } = await placedOrder();
    const guesser = new Shopper(shop.app);
    const prefix = `2001:db8:${randomInt(0xffff).toString(16)}:1`;
    for (let i = 1; i <= LOOKUP_FAILURES_PER_NUMBER_AND_ADDRESS; i++) {
      expect((await lookUp(guesser, `${prefix}::${i}`, { orderNumber: order.number, contact: `09000000${10 + i}` })).status).toBe(404);
    }

    expect((await lookUp(guesser, `${prefix}:ffff::1`, { orderNumber: order.number, contact: CUSTOMER.email })).status).toBe(429);
  });
});

describe('the session of a browser that opens an order', () => {
  it('gets a new id, cart kept, so that a session id planted in the browser beforehand sees nothing of the order', async () => {
    const { order } = await placedOrder();
    const attacker = new Shopper(shop.app);
    await attacker.addToCart(cake.id, 1);
    const planted = attacker.sessionCookie()!;
    const victim = new Shopper(shop.app);
    victim.plantSessionCookie(planted);

    const found = await lookUp(victim, newAddress(), { orderNumber: order.number, contact: CUSTOMER.email });

    expect(found.status).toBe(303);
    expect(victim.sessionCookie()).toBeDefined();
    expect(victim.sessionCookie()).not.toBe(planted);
    expect((await victim.agent.get(`/orders/${order.id}`)).status).toBe(200);
    expect((await victim.agent.get('/cart')).text).toMatch(/data-testid="cart-count">1</);
    expect((await attacker.agent.get(`/orders/${order.id}`)).status).toBe(404);
    expect((await attacker.agent.get('/orders')).text).not.toContain(order.number);
  });

  it('holds the order only as long as that session lasts', async () => {
    const { order } = await placedOrder();
    const other = new Shopper(shop.app);
    expect((await lookUp(other, newAddress(), { orderNumber: order.number, contact: CUSTOMER.email })).status).toBe(303);
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(200);
    const sid = other.sessionCookie()!.slice(2).split('.')[0]!;

    await shop.db.session.update({ where: { sid }, data: { expire: new Date(Date.now() - 1_000) } });

    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(404);
    // What the session store's hourly pruning does to expired sessions takes their grants along.
    await shop.db.session.deleteMany({ where: { sid, expire: { lt: new Date() } } });
    expect(await shop.db.orderAccess.count({ where: { orderId: order.id } })).toBe(0);
  });
});

describe('the other browsers with access', () => {
  it('are listed on the order page, how and when each was let in, and any of them can be shut out', async () => {
    const { owner, order } = await placedOrder();
    const phone = new Shopper(shop.app);
    await lookUp(phone, newAddress(), { orderNumber: order.number, contact: CUSTOMER.phone });
    const grant = await shop.db.orderAccess.findFirstOrThrow({ where: { orderId: order.id } });

    const ownerPage = await owner.agent.get(`/orders/${order.id}`);
    expect(ownerPage.text.match(/data-testid="access-grant"/g)).toHaveLength(1);
    expect(ownerPage.text).toContain('以訂單編號查詢開啟');
    expect(ownerPage.text).not.toContain('（這個瀏覽器）');
    expect((await phone.agent.get(`/orders/${order.id}`)).text).toContain('（這個瀏覽器）');

    // Someone who cannot see the order ends nothing of it.
    const stranger = new Shopper(shop.app);
    expect((await stranger.post(`/orders/${order.id}/access/${grant.id}/end`)).status).toBe(404);
    expect(await shop.db.orderAccess.count({ where: { orderId: order.id } })).toBe(1);

    const _csrf = /name="_csrf" value="([^"]+)"/.exec(ownerPage.text)![1]!;
    const ended = await owner.agent.post(`/orders/${order.id}/access/${grant.id}/end`).type('form').send({ _csrf });

    expect(ended.status).toBe(303);
    expect(ended.headers.location).toBe(`/orders/${order.id}?accessEnded=1`);
    expect((await owner.agent.get(ended.headers.location!)).text).toContain('data-testid="access-ended"');
    expect((await phone.agent.get(`/orders/${order.id}`)).status).toBe(404);
    expect((await owner.agent.get(`/orders/${order.id}`)).status).toBe(200);
  });
});

describe('the signed order link', () => {
  it('opens the order in a browser that never saw it', async () => {
    const { order } = await placedOrder();
    const links = createOrderLinks(SESSION_SECRET, () => new Date());
    const other = new Shopper(shop.app);

    const page = await other.agent.get(links.pathFor(order.id));
    const opened = await other.agent.post(`/orders/${order.id}/open`).type('form').send(openFields(page.text));

    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe(`/orders/${order.id}`);
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(200);
  });

  it('writes nothing on its GET: the page has a button that posts, with the CSRF token, to open the order', async () => {
    const { order } = await placedOrder();
    const links = createOrderLinks(SESSION_SECRET, () => new Date());
    const other = new Shopper(shop.app);

    const page = await other.agent.get(links.pathFor(order.id));

    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/orders/${order.id}/open"`);
    expect(page.text).toContain('data-testid="open-order"');
    expect(await shop.db.orderAccess.count({ where: { orderId: order.id } })).toBe(0);
    expect((await other.agent.get(`/orders/${order.id}`)).status).toBe(404);
    const { _csrf: _, ...withoutToken } = openFields(page.text);
    expect((await other.agent.post(`/orders/${order.id}/open`).type('form').send(withoutToken)).status).toBe(403);
    expect(await shop.db.orderAccess.count({ where: { orderId: order.id } })).toBe(0);
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
