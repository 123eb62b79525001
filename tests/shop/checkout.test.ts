import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { formatTaipeiDateTime } from '../../src/web/views';
import { CUSTOMER, Shopper, startShopApp, type ShopApp } from '../support/shop-app';

const CARD_PAGE = /^http:\/\/127\.0\.0\.1:\d+\/QPay\.WebPaySite\/Bridge\/PayCard\?TD=/;

describe('checkout', () => {
  let shop: ShopApp;
  let tea: Product;
  let soap: Product;
  beforeAll(async () => {
    shop = await startShopApp();
    tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
    soap = await shop.db.product.findUniqueOrThrow({ where: { slug: 'taiwan-cypress-soap' } });
  });
  afterEach(() => {
    shop.bank.sandbox.control.setFaults({});
  });
  afterAll(async () => {
    await shop.close();
  });

  async function shopperWithCart(): Promise<Shopper> {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 2);
    await shopper.addToCart(soap.id, 1);
    return shopper;
  }

  const ordersOf = (shopperId: string) => shop.db.order.findMany({ where: { ownerToken: shopperId }, include: { lines: true, payments: true } });

  async function shopperIdOf(shopper: Shopper): Promise<string> {
    const sessions = await shop.db.session.findMany();
    const cookie = shopper.agent.jar.getCookie('fengshou.sid', { domain: '127.0.0.1', path: '/', script: false, secure: false });
    const sid = decodeURIComponent(cookie!.value).slice(2).split('.')[0];
    const session = sessions.find((row) => row.sid === sid)?.sess as { shopperId?: string } | undefined;
    if (!session?.shopperId) throw new Error('this shopper has no shopperId yet');
    return session.shopperId;
  }

  it('shows the form with the cart total from the database', async () => {
    const shopper = await shopperWithCart();
    const page = await shopper.agent.get('/checkout');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/data-testid="checkout-total">NT\$1,580</);
  });

  it('sends an empty cart back to the cart page', async () => {
    const shopper = new Shopper(shop.app);
    const page = await shopper.agent.get('/checkout');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/cart');
  });

  it('shows what is wrong with the details and keeps what was typed', async () => {
    const shopper = await shopperWithCart();
    const res = await shopper.checkout({ name: ' ', email: 'not-an-email', phone: '02-2345-6789', payType: 'X' as 'card' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-testid="checkout-errors"');
    expect(res.text).toContain('請填寫姓名。');
    expect(res.text).toContain('請填寫有效的電子郵件地址。');
    expect(res.text).toContain('請填寫 09 開頭的 10 碼手機號碼。');
    expect(res.text).toContain('請選擇付款方式。');
    expect(res.text).toContain('value="not-an-email"');
    expect(await ordersOf(await shopperIdOf(shopper))).toHaveLength(0);
  });

  it('shows the validation messages in English', async () => {
    const shopper = await shopperWithCart();
    const tokens = await shopper.openCheckout();
    const res = await shopper.agent.post('/checkout?lang=en').type('form').send({ ...tokens, ...CUSTOMER, phone: '12345' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Please enter a 10-digit mobile number starting with 09.');
  });

  it('stores the delivery address and phones normalised from +886, dashes, spaces and full-width digits', async () => {
    const shopper = await shopperWithCart();
    const res = await shopper.checkout({
      phone: '+886 912-345-678',
      recipientName: '陳美玲',
      recipientPhone: '０９８７　６５４　３２１',
      postcode: '１０６０９',
      city: '臺北市',
      district: ' 大安區 ',
      street: '復興南路一段 390 號 3 樓',
    });

    expect(res.status).toBe(303);
    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(order).toMatchObject({
      phone: '0912345678', recipientName: '陳美玲', recipientPhone: '0987654321',
      postcode: '10609', city: '臺北市', district: '大安區', street: '復興南路一段 390 號 3 樓',
    });
    const page = await shopper.agent.get(`/orders/${order!.id}`);
    expect(page.text).toMatch(/data-testid="delivery-address">\s*陳美玲<br>\s*0987654321<br>\s*10609 臺北市大安區復興南路一段 390 號 3 樓/);
  });

  it('sends to the buyer when no recipient is given', async () => {
    const shopper = await shopperWithCart();
    await shopper.checkout();
    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(order).toMatchObject({ recipientName: '王小明', recipientPhone: '0912345678' });
  });

  it('adds the flat shipping fee below NT$1,000, in the summary, the order total and the bank amount', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(soap.id, 1);
    const form = await shopper.agent.get('/checkout');
    expect(form.text).toMatch(/data-testid="checkout-shipping">NT\$100</);
    expect(form.text).toMatch(/data-testid="checkout-total">NT\$320</);

    await shopper.checkout();
    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(order).toMatchObject({ totalTwd: 320, shippingTwd: 100 });
    expect(order!.payments[0]!.amount).toBe(32_000);
  });

  it('ships free from NT$1,000 of goods', async () => {
    const shopper = await shopperWithCart();
    const form = await shopper.agent.get('/checkout');
    expect(form.text).toMatch(/data-testid="checkout-shipping">免運費</);
    await shopper.checkout();
    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(order).toMatchObject({ totalTwd: 1580, shippingTwd: 0 });
  });

  it('lists the errors in a summary that takes focus, and marks each field with aria-invalid and aria-describedby', async () => {
    const shopper = await shopperWithCart();
    const res = await shopper.checkout({ phone: '0812345678', postcode: '1', city: 'Atlantis', street: '' });

    expect(res.status).toBe(422);
    expect(res.headers['cache-control']).toBe('no-store');
    const summary = /data-testid="checkout-errors">([\s\S]*?)<\/div>/.exec(res.text)![1]!;
    expect([...summary.matchAll(/href="#(\w+)"/g)].map((match) => match[1])).toEqual(['phone', 'postcode', 'city', 'street']);
    expect(res.text).toMatch(/class="alert alert-danger error-summary" role="alert" tabindex="-1"/);
    expect(res.text).toContain('<script src="/static/js/checkout-form.js"></script>');
    expect(res.text).toMatch(/id="phone"[^>]*aria-invalid="true" aria-describedby="phone-hint phone-error"/);
    expect(res.text).toMatch(/id="city"[^>]*aria-invalid="true" aria-describedby="city-error"/);
    expect(res.text).toMatch(/id="phone-error"[^>]*>請填寫 09 開頭的 10 碼手機號碼。</);
    expect(res.text).not.toMatch(/id="name"[^>]*aria-invalid/);
    // No placeholder that could pass for a typed value.
    expect(res.text).not.toContain('placeholder=');
  });

  it('refuses the checkout without the CSRF token', async () => {
    const shopper = await shopperWithCart();
    const { checkoutToken } = await shopper.openCheckout();
    const res = await shopper.agent.post('/checkout').type('form').send({ checkoutToken, ...CUSTOMER });
    expect(res.status).toBe(403);
    expect(await ordersOf(await shopperIdOf(shopper))).toHaveLength(0);
  });

  it('places a card order and sends the shopper to the bank card page', async () => {
    const shopper = await shopperWithCart();
    const stockBefore = (await shop.db.product.findUniqueOrThrow({ where: { id: tea.id } })).stock;

    const res = await shopper.checkout({ phone: '0912-345-678' });

    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(CARD_PAGE);
    const [order, ...others] = await ordersOf(await shopperIdOf(shopper));
    expect(others).toHaveLength(0);
    expect(order).toMatchObject({ payType: 'card', status: 'awaiting_payment', totalTwd: 1580, phone: '0912345678', customerName: '王小明' });
    expect(order!.number).toMatch(/^FS\d{8}[A-Z2-9]{8}$/);
    expect(order!.lines.map((line) => [line.productId, line.quantity, line.unitPriceTwd])).toEqual(
      expect.arrayContaining([[tea.id, 2, 680], [soap.id, 1, 220]]),
    );
    expect(order!.payments).toHaveLength(1);
    expect(order!.payments[0]).toMatchObject({ payType: 'card', status: 'pending', amount: 158_000, cardPayUrl: res.headers.location });
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: tea.id } })).stock).toBe(stockBefore - 2);
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toContain('data-testid="cart-empty"');
  });

  it('places an ATM order and shows the account, bank code, exact amount and deadline', async () => {
    const shopper = await shopperWithCart();
    const res = await shopper.checkout({ payType: 'atm' });

    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/orders/${order!.id}`);
    const payment = order!.payments[0]!;
    expect(payment.atmPayNo).toMatch(/^\d{14}$/);

    const page = await shopper.agent.get(res.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-testid="atm-account">${payment.atmPayNo!.replace(/(\d{4})(?=\d)/g, '$1 ')}<`);
    expect(page.text).toContain('data-testid="order-placed"');
    expect(page.text).toContain('data-testid="atm-bank-code">807<');
    expect(page.text).toContain('data-testid="atm-amount">NT$1,580<');
    expect(payment.atmDeadline!.getTime()).toBeGreaterThan(Date.now() + 2 * 24 * 3600_000);
    expect(page.text).toContain(`data-testid="atm-deadline">${formatTaipeiDateTime(payment.atmDeadline, 'zh-TW')}<`);
    expect(page.text).toContain('data-testid="atm-webatm"');
    expect(page.text).toContain('<script src="/static/js/copy-text.js"></script>');
    expect(page.text).toContain('data-testid="order-status">待付款<');
  });

  it('refuses ATM for more than NT$30,000 and suggests the card', async () => {
    const shopper = new Shopper(shop.app);
    const roe = await shop.db.product.findUniqueOrThrow({ where: { slug: 'mullet-roe' } });
    await shopper.addToCart(roe.id, 15);
    await shopper.addToCart(tea.id, 20);
    const res = await shopper.checkout({ payType: 'atm' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('ATM 轉帳單筆上限為 NT$30,000');
    expect(await ordersOf(await shopperIdOf(shopper))).toHaveLength(0);
  });

  it('sends the shopper back to the cart when the stock ran out meanwhile', async () => {
    const shopper = new Shopper(shop.app);
    const cup = await shop.db.product.findUniqueOrThrow({ where: { slug: 'yingge-ceramic-cup' } });
    await shopper.addToCart(cup.id, 2);
    const tokens = await shopper.openCheckout();
    await shop.db.product.update({ where: { id: cup.id }, data: { stock: 1 } });

    const res = await shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/cart');
    expect(await ordersOf(await shopperIdOf(shopper))).toHaveLength(0);
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: cup.id } })).stock).toBe(1);
  });

  it('tells the shopper when the bank cannot be reached, shows nothing as paid, and lets them try again', async () => {
    const shopper = await shopperWithCart();
    shop.bank.sandbox.control.setFaults({ unavailable: true });

    const res = await shopper.checkout();

    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/orders/${order!.id}`);
    expect(order!.status).toBe('awaiting_payment');
    expect(order!.payments.map((payment) => payment.status)).toEqual(['create_failed']);
    const page = await shopper.agent.get(res.headers.location!);
    expect(page.text).toContain('data-testid="payment-start-failed"');
    expect(page.text).toContain('我們暫時無法與銀行建立這筆付款');
    expect(page.text).not.toContain('已付款');
    expect(page.text).toContain('data-testid="pay-again"');

    shop.bank.sandbox.control.setFaults({});
    const retry = await shopper.post(`/orders/${order!.id}/payments`);
    expect(retry.status).toBe(303);
    expect(retry.headers.location).toMatch(CARD_PAGE);
    const payments = await shop.db.payment.findMany({ where: { orderId: order!.id }, orderBy: { createdAt: 'asc' } });
    expect(payments.map((payment) => payment.status)).toEqual(['create_failed', 'pending']);
    expect(payments[1]!.orderNo).not.toBe(payments[0]!.orderNo);
  });

  it('tells the shopper when the bank refuses the order', async () => {
    const shopper = await shopperWithCart();
    shop.bank.sandbox.control.setFaults({ createRefusal: 'E0403' });
    try {
      const res = await shopper.checkout({ payType: 'atm' });
      const page = await shopper.agent.get(res.headers.location!);
      expect(page.text).toContain('data-testid="payment-start-failed"');
      expect(page.text).not.toContain('data-testid="atm-instructions"');
    } finally {
      shop.bank.sandbox.control.setFaults({});
    }
  });

  it('offers no second attempt while one is pending', async () => {
    const shopper = await shopperWithCart();
    const res = await shopper.checkout({ payType: 'atm' });
    const orderPage = res.headers.location;
    expect(orderPage).toMatch(/^\/orders\//);

    const retry = await shopper.post(`${orderPage}/payments`);

    expect(retry.status).toBe(303);
    expect(retry.headers.location).toBe(orderPage);
    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(order!.payments).toHaveLength(1);
  });

  it('gives the session a new id, cart kept, so that a session id planted beforehand sees nothing of the order', async () => {
    const attacker = new Shopper(shop.app);
    await attacker.addToCart(soap.id, 1);
    await attacker.openCheckout();
    const planted = attacker.sessionCookie()!;
    const victim = new Shopper(shop.app);
    victim.plantSessionCookie(planted);
    await victim.addToCart(tea.id, 2);

    await victim.openCheckout();
    expect(victim.sessionCookie()).not.toBe(planted);
    const placed = await victim.checkout();

    expect(placed.status).toBe(303);
    const [order] = await ordersOf(await shopperIdOf(victim));
    expect(order!.lines.map((line) => [line.productId, line.quantity]).sort()).toEqual([[soap.id, 1], [tea.id, 2]].sort());
    expect((await victim.agent.get(`/orders/${order!.id}`)).status).toBe(200);
    expect((await attacker.agent.get(`/orders/${order!.id}`)).status).toBe(404);
    expect((await attacker.agent.get('/orders')).text).not.toContain(order!.number);
  });

  it('creates one order from two identical submits at the same time', async () => {
    const shopper = await shopperWithCart();
    const tokens = await shopper.openCheckout();
    const submit = () => shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });

    const responses = await Promise.all([submit(), submit()]);

    const orders = await ordersOf(await shopperIdOf(shopper));
    expect(orders).toHaveLength(1);
    expect(orders[0]!.payments).toHaveLength(1);
    const locations = responses.map((r) => r.headers.location).sort();
    expect(locations).toEqual([`/orders/${orders[0]!.id}`, orders[0]!.payments[0]!.cardPayUrl].sort());
  });

  it('writes the order, its stock and its first attempt together, or none of them', async () => {
    const shopper = await shopperWithCart();
    const tokens = await shopper.openCheckout();
    const stockBefore = (await shop.db.product.findUniqueOrThrow({ where: { id: tea.id } })).stock;
    // The attempt's row cannot be written: the order's transaction must take everything back with it.
    await shop.db.$executeRawUnsafe(`CREATE FUNCTION refuse_attempts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no attempts'; END $$`);
    await shop.db.$executeRawUnsafe(`CREATE TRIGGER refuse_attempts BEFORE INSERT ON "Payment" FOR EACH ROW EXECUTE FUNCTION refuse_attempts()`);
    let refused;
    try {
      refused = await shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });
    } finally {
      await shop.db.$executeRawUnsafe('DROP TRIGGER refuse_attempts ON "Payment"');
      await shop.db.$executeRawUnsafe('DROP FUNCTION refuse_attempts()');
    }

    expect(refused.status).toBe(500);
    expect(await ordersOf(await shopperIdOf(shopper))).toHaveLength(0);
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: tea.id } })).stock).toBe(stockBefore);
    // The form was not used up either: sent again, it places the order, with its attempt.
    const placed = await shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });
    expect(placed.headers.location).toMatch(CARD_PAGE);
    const [order] = await ordersOf(await shopperIdOf(shopper));
    expect(order!.payments).toHaveLength(1);
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: tea.id } })).stock).toBe(stockBefore - 2);
  });

  it('creates no second order when the same form is posted again later', async () => {
    const shopper = await shopperWithCart();
    const tokens = await shopper.openCheckout();
    const first = await shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });
    await shopper.addToCart(tea.id, 1);
    const again = await shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });

    const orders = await ordersOf(await shopperIdOf(shopper));
    expect(first.headers.location).toMatch(CARD_PAGE);
    expect(orders).toHaveLength(1);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/orders/${orders[0]!.id}`);
  });
});
