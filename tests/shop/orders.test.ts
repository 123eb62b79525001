import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { MY_ORDERS_PAGE } from '../../src/orders/my-orders';
import { Shopper, startShopApp, type ShopApp } from '../support/shop-app';
import { createOrder } from '../support/shop-fixtures';

describe('my orders', () => {
  let shop: ShopApp;
  let cake: Product;
  let chili: Product;
  beforeAll(async () => {
    shop = await startShopApp();
    cake = await shop.db.product.findUniqueOrThrow({ where: { slug: 'pineapple-cake-box' } });
    chili = await shop.db.product.findUniqueOrThrow({ where: { slug: 'hualien-peeled-chili' } });
  });
  afterAll(async () => {
    await shop.close();
  });

  async function placeOrder(shopper: Shopper, product: Product, payType: 'atm' | 'card'): Promise<string> {
    await shopper.addToCart(product.id, 1);
    await shopper.checkout({ payType });
    const order = await shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    return order.id;
  }

  it('says so when the shopper has no orders', async () => {
    const res = await new Shopper(shop.app).agent.get('/orders');
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-testid="orders-empty"');
  });

  it("lists the shopper's orders newest first with items, total, payment method and status", async () => {
    const shopper = new Shopper(shop.app);
    const first = await placeOrder(shopper, cake, 'atm');
    const second = await placeOrder(shopper, chili, 'card');
    const numbers = await shop.db.order.findMany({ where: { id: { in: [first, second] } }, select: { id: true, number: true } });
    const numberOf = (id: string) => numbers.find((order) => order.id === id)!.number;

    const res = await shopper.agent.get('/orders');

    const listed = [...res.text.matchAll(/data-testid="order-number">([^<]+)</g)].map((match) => match[1]);
    expect(listed).toEqual([numberOf(second), numberOf(first)]);
    const cards = res.text.split('data-testid="order-card"').slice(1);
    expect(cards[0]).toContain('花蓮剝皮辣椒 380g × 1');
    // NT$260 of goods and NT$100 shipping, which orders under NT$1,000 pay.
    expect(cards[0]).toContain('data-testid="order-total">NT$360<');
    expect(cards[0]).toContain('data-testid="order-pay-type">信用卡<');
    expect(cards[0]).toMatch(/class="badge status-badge text-bg-warning[^"]*" data-testid="order-status">待付款</);
    expect(cards[1]).toContain('土鳳梨酥禮盒（12入） × 1');
    expect(cards[1]).toContain('data-testid="order-pay-type">ATM 轉帳（虛擬帳號）<');
  });

  it('shows a page of orders at a time, newest first, with a link to the older ones', async () => {
    const shopper = new Shopper(shop.app);
    const placed = await placeOrder(shopper, cake, 'card');
    const { ownerToken, createdAt } = await shop.db.order.findUniqueOrThrow({ where: { id: placed } });
    const older: string[] = [];
    for (let i = 1; i <= MY_ORDERS_PAGE; i++) {
      const order = await createOrder(shop.db, { lines: [{ product: chili, quantity: 1 }], payType: 'atm', ownerToken });
      await shop.db.order.update({ where: { id: order.id }, data: { createdAt: new Date(createdAt.getTime() - i * 60_000) } });
      older.push(order.number);
    }
    const numbers = (html: string) => [...html.matchAll(/data-testid="order-number">([^<]+)</g)].map((match) => match[1]);

    const first = await shopper.agent.get('/orders');
    expect(numbers(first.text)).toHaveLength(MY_ORDERS_PAGE);
    expect(numbers(first.text).slice(1)).toEqual(older.slice(0, MY_ORDERS_PAGE - 1));
    const link = /href="(\/orders\?before=[^"]+)" rel="next"/.exec(first.text);
    expect(link).not.toBeNull();
    const second = await shopper.agent.get(link![1]!);
    expect(numbers(second.text)).toEqual([older.at(-1)]);
    expect(second.text).not.toContain('rel="next"');
    expect((await shopper.agent.get('/orders?before=yesterday')).status).toBe(400);
  });

  it('shows the labels in English', async () => {
    const shopper = new Shopper(shop.app);
    const id = await placeOrder(shopper, cake, 'card');
    const res = await shopper.agent.get(`/orders/${id}?lang=en`);
    expect(res.text).toContain('data-testid="order-status">Awaiting payment<');
    expect(res.text).toContain('data-testid="order-pay-type">Credit card<');
    expect(res.text).toContain('data-testid="payment-status">Waiting for payment<');
    expect(res.text).toContain('Native Pineapple Cakes, gift box of 12 × 1');
  });

  it('shows every payment attempt on the order page', async () => {
    const shopper = new Shopper(shop.app);
    shop.bank.sandbox.control.setFaults({ unavailable: true });
    let id: string;
    try {
      id = await placeOrder(shopper, chili, 'card');
    } finally {
      shop.bank.sandbox.control.setFaults({});
    }
    await shopper.post(`/orders/${id}/payments`);

    const res = await shopper.agent.get(`/orders/${id}`);

    const statuses = [...res.text.matchAll(/data-testid="payment-status">([^<]+)</g)].map((match) => match[1]);
    expect(statuses).toEqual(['建立失敗', '等待付款']);
    expect(res.text).toContain('data-testid="card-continue"');
    expect(res.text).not.toContain('data-testid="payment-start-failed"');
  });

  it("answers 404 to another shopper for someone else's order, as for an unknown one", async () => {
    const owner = new Shopper(shop.app);
    const id = await placeOrder(owner, cake, 'atm');
    const stranger = new Shopper(shop.app);
    await stranger.addToCart(chili.id, 1);
    await stranger.openCheckout();

    const theirs = await stranger.agent.get(`/orders/${id}`);
    const unknown = await stranger.agent.get('/orders/00000000-0000-4000-8000-000000000000');
    const retry = await stranger.post(`/orders/${id}/payments`);

    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain('data-testid="atm-account"');
    expect(unknown.status).toBe(404);
    expect(retry.status).toBe(404);
    expect((await owner.agent.get(`/orders/${id}`)).status).toBe(200);
    const list = await stranger.agent.get('/orders');
    expect(list.text).not.toContain(id);
  });

  it('answers 404 to a browser without a session and to an id that is not a uuid', async () => {
    const owner = new Shopper(shop.app);
    const id = await placeOrder(owner, cake, 'card');
    expect((await new Shopper(shop.app).agent.get(`/orders/${id}`)).status).toBe(404);
    expect((await owner.agent.get('/orders/1')).status).toBe(404);
  });

  it('answers the cart, order pages and status with Cache-Control: no-store, so Back never shows a stale copy', async () => {
    const shopper = new Shopper(shop.app);
    const id = await placeOrder(shopper, cake, 'card');
    for (const path of ['/cart', '/orders', `/orders/${id}`, `/orders/${id}/result`, `/orders/${id}/status`]) {
      const res = await shopper.agent.get(path);
      expect([path, res.status, res.headers['cache-control']]).toEqual([path, 200, 'no-store']);
    }
  });

  it('reminds in the cart of an unpaid order, with the way to continue paying it', async () => {
    const shopper = new Shopper(shop.app);
    const id = await placeOrder(shopper, cake, 'card');
    const order = await shop.db.order.findUniqueOrThrow({ where: { id } });

    const cart = await shopper.agent.get('/cart');

    expect(cart.text).toContain('data-testid="unpaid-order"');
    expect(cart.text).toContain(`訂單 ${order.number}（NT$580）還在等待付款`);
    expect(cart.text).toContain(`href="/orders/${id}" data-testid="unpaid-continue"`);
    // The card attempt is still open: no other way until it has ended.
    expect(cart.text).not.toContain('data-testid="unpaid-another-way"');

    await shop.db.payment.updateMany({ where: { orderId: id }, data: { status: 'failed', failureCode: 'E2701' } });
    const later = await shopper.agent.get('/cart');
    expect(later.text).toContain(`href="/orders/${id}#pay-options" data-testid="unpaid-another-way"`);
    const orderPage = await shopper.agent.get(`/orders/${id}`);
    expect(orderPage.text).toContain('id="pay-options"');
    expect(orderPage.text).toContain('data-testid="pay-again-atm"');

    await shop.db.order.update({ where: { id }, data: { status: 'paid' } });
    expect((await shopper.agent.get('/cart')).text).not.toContain('data-testid="unpaid-order"');
  });

  it('gives the order page a live status and coloured badges', async () => {
    const shopper = new Shopper(shop.app);
    const id = await placeOrder(shopper, cake, 'atm');
    const res = await shopper.agent.get(`/orders/${id}?lang=en`);
    expect(res.text).toContain(`data-status-url="/orders/${id}/status"`);
    expect(res.text).toContain('<script src="/static/js/order-status.js"></script>');
    expect(res.text).toMatch(/text-bg-warning" data-testid="order-status">Awaiting payment</);
    expect(res.text).toMatch(/data-testid="atm-deadline">\d{4}-\d{2}-\d{2} \d{2}:\d{2}<\/span> <span[^>]*>\(Taipei time\)</);
    expect(res.text).toContain('Your order is placed');
    const status = await shopper.agent.get(`/orders/${id}/status`);
    expect(status.body).toMatchObject({ outcome: 'pending' });
    expect(status.body.state).toMatch(/^awaiting_payment\//);
  });
});
