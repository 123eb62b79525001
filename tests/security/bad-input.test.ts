// What an attacker or a broken bank may send to the two bank callbacks and to the shop's forms,
// against the real app, the sandbox and a test database. Every row is refused clearly (a 4xx, or
// the notification's documented answer), leaves a log line of its own request, leaves a PayToken
// record when it carried a token, and changes no order, payment or stock.
import { randomBytes, randomUUID } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Payment } from '../../src/generated/prisma/client';
import { taipeiDayAfter } from '../../src/time/taipei';
import { NOTIFY_PATH, RETURN_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { placeOrder } from '../payments/payment-flow-helpers';
import { CapturedLogs } from '../support/log-capture';
import { Shopper } from '../support/shop-app';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { ADMIN_PASSWORD, ADMIN_USERNAME, AdminBrowser } from '../support/admin-harness';
import { hashAdminPassword } from '../../src/admin/sign-in';

const logs = new CapturedLogs();
let shop: ShopHarness;

/** An ATM attempt waiting for its transfer. */
let pending: { order: Order; payment: Payment; productId: number };
/** The PayToken that paid another order; the shop applied it. */
let appliedToken: string;
/** A PayToken whose bank result reports 1 TWD more than its attempt asked for; never delivered by the sandbox. */
let wrongAmountToken: string;
/** A PayToken the bank knows, for an OrderNo the shop never created. */
let notOurOrderToken: string;
/** A browser with its own session and a product in its cart, that placed no order. */
let stranger: Shopper;
/** The merchant, signed in to the back office. */
let merchant: AdminBrowser;
/** The page of the product the pending order is for. */
let productPath: string;

const control = () => shop.sandbox.sandbox.control;
const forgedToken = () => randomBytes(32).toString('hex');

beforeAll(async () => {
  const passwordHash = await hashAdminPassword(ADMIN_PASSWORD, { N: 1024, r: 8, p: 1 });
  shop = await startShopHarness({}, { logDestination: logs, admin: { username: ADMIN_USERNAME, passwordHash } });

  const placed = await placeOrder(shop, 'atm');
  pending = { order: placed.order, payment: placed.payment, productId: placed.product.id };
  productPath = `/products/${placed.product.slug}`;

  const paid = await placeOrder(shop, 'atm');
  appliedToken = control().pay({ orderNo: paid.payment.orderNo }).payToken;
  await eventually(async () => (await shop.db.payToken.count({ where: { token: appliedToken, outcome: 'applied' } })) === 1);

  const wrongAmount = await placeOrder(shop, 'atm');
  control().setOrderFaults({ orderNo: wrongAmount.payment.orderNo }, { wrongAmount: 100, dropFirst: 5 });
  wrongAmountToken = control().pay({ orderNo: wrongAmount.payment.orderNo }).payToken;

  // Someone else's order at the same bank and shop number, paid there: its result is genuine.
  const elsewhere = new SinopacClient({ apiUrl: shop.sandbox.apiUrl, shopNo: DEMO_SHOP.shopNo, hashKeys: DEMO_SHOP.hashKeys, timeoutMs: 3_000 });
  const notOurs = `ELSEWHERE${randomBytes(4).toString('hex').toUpperCase()}A`;
  await elsewhere.orderCreate({
    OrderNo: notOurs,
    Amount: 129900,
    PayType: 'A',
    PrdtName: 'Not from this shop',
    ReturnURL: 'http://127.0.0.1:9/return',
    BackendURL: 'http://127.0.0.1:9/notify',
    ATMParam: { ExpireDate: taipeiDayAfter(new Date(), 3).yyyyMMdd },
  });
  notOurOrderToken = control().pay({ orderNo: notOurs }).payToken;
  // The sandbox's own (dropped) deliveries are over before any row looks at the tables.
  await eventually(async () => control().deliveries({ orderNo: wrongAmount.payment.orderNo }).length === 5);

  stranger = new Shopper(shop.baseUrl);
  await stranger.addToCart(pending.productId, 1);
  merchant = new AdminBrowser(shop.baseUrl);
  if ((await merchant.login()).status !== 303) throw new Error('the merchant could not sign in');
});
afterAll(() => shop.close());

interface Answer {
  status: number;
  text: string;
}

async function post(path: string, requestId: string, contentType: string, body: string): Promise<Answer> {
  const response = await fetch(new URL(path, shop.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': contentType, 'x-request-id': requestId },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const notifyWith = (payload: unknown) => (id: string) => post(NOTIFY_PATH, id, 'application/json', JSON.stringify(payload));
const returnWith = (fields: Record<string, string>) => (id: string) =>
  post(RETURN_PATH, id, 'application/x-www-form-urlencoded', new URLSearchParams(fields).toString());

/** A form post from the stranger's browser, with its session's CSRF token unless `csrf` is false. */
const formPost = (path: () => string, fields: () => Record<string, unknown>, csrf = true) => async (id: string): Promise<Answer> => {
  const token = csrf ? { _csrf: await stranger.csrfToken() } : {};
  const response = await stranger.agent.post(path()).set('X-Request-Id', id).type('form').send({ ...token, ...fields() });
  return { status: response.status, text: response.text };
};
/** A GET from the stranger's browser, with extra headers. */
const pageGet = (path: () => string, headers: Record<string, string> = {}) => async (id: string): Promise<Answer> => {
  const response = await stranger.agent.get(path()).set('X-Request-Id', id).set(headers);
  return { status: response.status, text: response.text };
};
/** A GET from a browser that sends nothing but `headers`. */
const freshGet = (path: () => string, headers: Record<string, string>) => async (id: string): Promise<Answer> => {
  const response = await fetch(new URL(path(), shop.baseUrl), { redirect: 'manual', headers: { ...headers, 'x-request-id': id } });
  return { status: response.status, text: await response.text() };
};
const SHOP_COOKIES = ['fengshou.sid', 'fengshou.csrf', 'fengshou.cart', 'fengshou.lang'];
/** Pages without the session (the catalog, a product), with it, and the back office's. */
const PAGES_READING_COOKIES = [
  { name: 'catalog', path: () => '/' },
  { name: 'product', path: () => productPath },
  { name: 'cart', path: () => '/cart' },
  { name: 'my orders', path: () => '/orders' },
  { name: 'find my order', path: () => '/orders/lookup' },
  { name: 'back-office sign-in', path: () => '/admin/login' },
];
/** A GET, or a form post with the session's CSRF token, from the merchant's signed-in browser. */
const adminGet = (path: () => string) => async (id: string): Promise<Answer> => {
  const response = await merchant.agent.get(path()).set('X-Request-Id', id);
  return { status: response.status, text: response.text };
};
const adminPost = (path: () => string, fields: () => Record<string, string>) => async (id: string): Promise<Answer> => {
  const _csrf = await merchant.csrfToken();
  const response = await merchant.agent.post(path()).set('X-Request-Id', id).type('form').send({ _csrf, ...fields() });
  return { status: response.status, text: response.text };
};
const CUSTOMER_FIELDS = { name: '王小明', email: 'xiaoming@example.tw', phone: '0912345678', postcode: '106', city: '臺北市', district: '大安區', street: '復興南路一段 390 號', payType: 'card' };

const REFUSED = '{"Status":"F"}';
const ACKNOWLEDGED = '{"Status":"S"}';

interface Row {
  send: (requestId: string) => Promise<Answer>;
  status: number;
  /** The notification's answer, or text the page shows. */
  body?: string;
  /** A line the request must have logged. */
  log: RegExp;
  /** The PayToken record the request must leave, when it carried a token. */
  recorded?: () => { token: string; source: 'backend' | 'return'; outcome: string };
  /** A refused change recorded against an attempt (the bank's result does not match it). */
  refusedChange?: boolean;
}

const rows: Array<[string, Row]> = [
  // The BackendURL notification.
  ['notification: malformed JSON', { send: (id) => post(NOTIFY_PATH, id, 'application/json', '{"ShopNo":'), status: 400, body: REFUSED, log: /malformed notification/ }],
  ['notification: text/plain', { send: (id) => post(NOTIFY_PATH, id, 'text/plain', `{"ShopNo":"${DEMO_SHOP.shopNo}"}`), status: 415, body: REFUSED, log: /without a JSON body/ }],
  [
    'notification: a form instead of JSON',
    { send: (id) => post(NOTIFY_PATH, id, 'application/x-www-form-urlencoded', `ShopNo=${DEMO_SHOP.shopNo}&PayToken=${forgedToken()}`), status: 415, body: REFUSED, log: /without a JSON body/ },
  ],
  ['notification: an oversized body', { send: notifyWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: 'a'.repeat(4_000) }), status: 413, body: REFUSED, log: /request refused/ }],
  ['notification: no PayToken', { send: notifyWith({ ShopNo: DEMO_SHOP.shopNo }), status: 400, body: REFUSED, log: /malformed notification/ }],
  ['notification: a PayToken that is not text', { send: notifyWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: 12345 }), status: 400, body: REFUSED, log: /malformed notification/ }],
  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['notification: an unknown ShopNo', {
      send: notifyWith({ ShopNo: 'XX9999_001', PayToken: token }), status: 400, body: REFUSED, log: /another shop/,
      recorded: () => ({ token, source: 'backend', outcome: 'foreign_shop' }),
    }]];
  })(),
  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['notification: a forged PayToken', {
      send: notifyWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: token }), status: 200, body: ACKNOWLEDGED, log: /does not know this PayToken/,
      recorded: () => ({ token, source: 'backend', outcome: 'unknown' }),
    }]];
  })(),
  [
    'notification: a PayToken whose bank result has another amount',
    {
      send: (id) => notifyWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: wrongAmountToken })(id), status: 200, body: ACKNOWLEDGED, log: /pay result not applied/,
      recorded: () => ({ token: wrongAmountToken, source: 'backend', outcome: 'mismatch' }), refusedChange: true,
    },
  ],
  [
    'notification: a PayToken whose bank result names an order the shop never created',
    {
      send: (id) => notifyWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: notOurOrderToken })(id), status: 200, body: ACKNOWLEDGED, log: /OrderNo we never created/,
      recorded: () => ({ token: notOurOrderToken, source: 'backend', outcome: 'unknown' }),
    },
  ],
  [
    'notification: a replay of a PayToken already applied',
    {
      send: (id) => notifyWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: appliedToken })(id), status: 200, body: ACKNOWLEDGED, log: /notification handled/,
      recorded: () => ({ token: appliedToken, source: 'backend', outcome: 'already_applied' }),
    },
  ],

  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['notification: a NUL in the ShopNo', {
      send: notifyWith({ ShopNo: `${DEMO_SHOP.shopNo}\u0000`, PayToken: token }), status: 400, body: REFUSED, log: /another shop/,
      recorded: () => ({ token, source: 'backend', outcome: 'foreign_shop' }),
    }]];
  })(),

  // The ReturnURL, posted by the shopper's browser.
  ['return: no PayToken', { send: returnWith({ ShopNo: DEMO_SHOP.shopNo }), status: 400, body: 'data-testid="return-problem"', log: /malformed return/ }],
  ['return: JSON instead of a form', { send: (id) => post(RETURN_PATH, id, 'application/json', JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: forgedToken() })), status: 400, log: /malformed return/ }],
  ['return: an oversized body', { send: returnWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: 'a'.repeat(4_000) }), status: 413, log: /request refused/ }],
  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['return: an unknown ShopNo', {
      send: returnWith({ ShopNo: 'XX9999_001', PayToken: token }), status: 400, body: 'data-testid="return-problem"', log: /another shop/,
      recorded: () => ({ token, source: 'return', outcome: 'foreign_shop' }),
    }]];
  })(),
  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['return: a forged PayToken', {
      send: returnWith({ ShopNo: DEMO_SHOP.shopNo, PayToken: token }), status: 400, body: 'data-testid="return-problem"', log: /does not know this PayToken/,
      recorded: () => ({ token, source: 'return', outcome: 'unknown' }),
    }]];
  })(),

  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['return: a NUL in the ShopNo', {
      send: returnWith({ ShopNo: `${DEMO_SHOP.shopNo}\u0000`, PayToken: token }), status: 400, body: 'data-testid="return-problem"', log: /another shop/,
      recorded: () => ({ token, source: 'return', outcome: 'foreign_shop' }),
    }]];
  })(),
  ...((): Array<[string, Row]> => {
    const token = forgedToken();
    return [['return: a NUL byte in the body is kept with the delivery', {
      send: (id) => post(RETURN_PATH, id, 'application/x-www-form-urlencoded', `ShopNo=${DEMO_SHOP.shopNo}&PayToken=${token}&Memo=a\u0000b`),
      status: 400, body: 'data-testid="return-problem"', log: /does not know this PayToken/,
      recorded: () => ({ token, source: 'return', outcome: 'unknown' }),
    }]];
  })(),

  // The shop's pages and forms.
  ['catalog: a NUL as the product', { send: pageGet(() => '/products/%00'), status: 404, log: /request refused/ }],
  ['every page: a lang cookie that is not an escape', { send: pageGet(() => '/', { Cookie: 'fengshou.lang=%' }), status: 200, body: '<html lang="zh-TW">', log: /request completed/ }],
  // A cookie value starting "j:" must stay a string, never be parsed as JSON: every cookie the shop reads, on every kind of page.
  ...SHOP_COOKIES.flatMap((cookie) =>
    PAGES_READING_COOKIES.map((page): [string, Row] => [
      `${page.name}: a JSON cookie as ${cookie}`,
      { send: freshGet(page.path, { Cookie: `${cookie}=${encodeURIComponent('j:{"toString":1,"a":{"b":1}}')}` }), status: 200, log: /request completed/ },
    ]),
  ),
  // Input that would make a bad throttle or limit key: every key is built from checked values.
  ['look-up: a NUL in the order number', { send: formPost(() => '/orders/lookup', () => ({ orderNumber: 'FS20260101\u0000ABCDEFG', contact: 'a@b.tw' })), status: 422, log: /request completed/ }],
  ['look-up: an order number of 3 KB', { send: formPost(() => '/orders/lookup', () => ({ orderNumber: `FS${'A'.repeat(3_000)}`, contact: 'a@b.tw' })), status: 422, log: /request completed/ }],
  ['look-up: a number that is no order number', { send: formPost(() => '/orders/lookup', () => ({ orderNumber: 'FS2026; DROP TABLE', contact: 'a@b.tw' })), status: 422, log: /request completed/ }],
  ['look-up: a contact of 3 KB', { send: formPost(() => '/orders/lookup', () => ({ orderNumber: 'FS20260101ABCDEFGH', contact: 'a'.repeat(3_000) })), status: 422, log: /request completed/ }],
  ['look-up: a NUL in the contact', { send: formPost(() => '/orders/lookup', () => ({ orderNumber: 'FS20260101ABCDEFGH', contact: 'a\u0000@b.tw' })), status: 404, log: /request completed/ }],
  ['back-office sign-in: a NUL in the username', { send: formPost(() => '/admin/login', () => ({ username: 'mer\u0000chant', password: 'x' })), status: 401, log: /back-office login failed/ }],
  ['back-office sign-in: a username of 3 KB', { send: formPost(() => '/admin/login', () => ({ username: 'm'.repeat(3_000), password: 'x' })), status: 400, log: /request refused/ }],
  ['the language link from /.//evil.com stays on this site', { send: pageGet(() => '/.//evil.com'), status: 404, body: 'href="/evil.com?lang=en"', log: /request refused/ }],
  ['cart: a product id beyond any integer id', { send: formPost(() => '/cart/items', () => ({ productId: 3_000_000_000, quantity: 1 })), status: 400, log: /request refused/ }],
  ['cart: a product id beyond any integer id, in a quantity field\'s name', { send: formPost(() => '/cart', () => ({ 'quantity-3000000000': 1 })), status: 400, log: /request refused/ }],
  ['checkout: a NUL in the name', { send: formPost(() => '/checkout', () => ({ ...CUSTOMER_FIELDS, name: '王\u0000小明' })), status: 422, log: /request completed/ }],
  ['checkout: a NUL in the checkout token', { send: formPost(() => '/checkout', () => ({ ...CUSTOMER_FIELDS, checkoutToken: 'a\u0000b' })), status: 303, log: /request completed/ }],
  ['back office: a NUL in the order search', { send: adminGet(() => '/admin/orders?q=%00'), status: 400, log: /request refused/ }],
  ['back office: a NUL in the CSV export’s search', { send: adminGet(() => '/admin/orders.csv?q=a%00b'), status: 400, log: /request refused/ }],
  [
    'back office: a NUL in a refund remark',
    {
      send: adminPost(() => `/admin/payments/${pending.payment.id}/refunds`, () => ({ kind: 'refund', amountTwd: '1', remark: 'a\u0000b', idempotencyKey: randomUUID() })),
      status: 422, log: /request completed/,
    },
  ],
  ['cart: a POST without the CSRF token', { send: formPost(() => '/cart/items', () => ({ productId: pending.productId, quantity: 1 }), false), status: 403, log: /request refused/ }],
  ['checkout: a POST without the CSRF token', { send: formPost(() => '/checkout', () => CUSTOMER_FIELDS, false), status: 403, log: /request refused/ }],
  ['cart: a negative quantity', { send: formPost(() => '/cart/items', () => ({ productId: pending.productId, quantity: -3 })), status: 400, log: /request refused/ }],
  ['cart: a huge quantity', { send: formPost(() => '/cart', () => ({ [`quantity-${pending.productId}`]: '1e12' })), status: 400, log: /request refused/ }],
  [
    'orders: a new attempt for an order id that is not a uuid',
    { send: formPost(() => `/orders/${encodeURIComponent("1' OR '1'='1")}/payments`, () => ({})), status: 404, log: /request refused/ },
  ],
  ['orders: a new attempt for another shopper’s order', { send: formPost(() => `/orders/${pending.order.id}/payments`, () => ({})), status: 404, log: /request refused/ }],
  ['orders: pay again for another shopper’s order', { send: formPost(() => `/orders/${pending.order.id}/pay-again`, () => ({})), status: 404, log: /request refused/ }],
];

async function snapshot() {
  const [payments, orders, products, refunds] = await Promise.all([
    shop.db.payment.findMany({ orderBy: { id: 'asc' } }),
    shop.db.order.findMany({ orderBy: { id: 'asc' } }),
    shop.db.product.findMany({ orderBy: { id: 'asc' }, select: { id: true, stock: true } }),
    shop.db.refund.findMany({ orderBy: { id: 'asc' } }),
  ]);
  return { payments, orders, products, refunds };
}

const lastId = async () => ({
  payToken: (await shop.db.payToken.aggregate({ _max: { id: true } }))._max.id ?? 0,
  paymentEvent: (await shop.db.paymentEvent.aggregate({ _max: { id: true } }))._max.id ?? 0,
});

describe('bad input', () => {
  it.each(rows)('%s: refused, logged, recorded, and nothing changes', async (_name, row) => {
    const requestId = `bad-input-${randomBytes(6).toString('hex')}`;
    const before = await snapshot();
    const last = await lastId();

    const answer = await row.send(requestId);

    expect(answer.status).toBe(row.status);
    if (row.body?.startsWith('{')) expect(answer.text).toBe(row.body);
    else if (row.body) expect(answer.text).toContain(row.body);
    const lines = logs.forRequest(requestId);
    expect(lines.map((line) => line.msg)).toContainEqual(expect.stringMatching(row.log));
    const tokens = await shop.db.payToken.findMany({ where: { id: { gt: last.payToken } }, select: { token: true, source: true, outcome: true } });
    expect(tokens).toEqual(row.recorded ? [row.recorded()] : []);
    const events = await shop.db.paymentEvent.findMany({ where: { id: { gt: last.paymentEvent } } });
    expect(events).toMatchObject(row.refusedChange ? [{ applied: false }] : []);
    expect(await snapshot()).toEqual(before);
  });
});

describe('a URL built from the request path', () => {
  /** The raw request line's path, which fetch and URL would normalise first. */
  const rawGet = (path: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const { hostname, port } = new URL(shop.baseUrl);
      const req = httpGet({ hostname, port, path }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
    });

  it.each(['//', '///', '/\\evil.com', '/\\/evil.com', '//evil.com/x', '/.//evil.com', '/%2F%2Fevil.com', '/%5C%5Cevil.com', '//%2e%2e/x?y=1'])(
    'the language links of %s stay on this site, and the page is no 500',
    async (path) => {
      const page = await rawGet(path);

      expect(page.status).toBeLessThan(500);
      const links = [...page.text.matchAll(/href="([^"]*lang=[^"]*)"/g)].map((match) => match[1]!);
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) expect(link).toMatch(/^\/(?![/\\])/);
    },
  );
});

describe('nobody can mark an order paid without the bank saying so', () => {
  it.each([
    ['a random PayToken', () => forgedToken()],
    ['the attempt’s own OrderNo as the PayToken', () => pending.payment.orderNo],
    ['the attempt’s own TSNo as the PayToken', () => pending.payment.tsNo!],
  ])('%s, with the bank’s fields added, leaves the order waiting', async (_case, token) => {
    const claim = {
      ShopNo: DEMO_SHOP.shopNo,
      PayToken: token(),
      // Members the bank's result has; the callbacks must not take them from the caller.
      OrderNo: pending.payment.orderNo,
      Status: 'S',
      Amount: String(pending.payment.amount),
      PayDate: '202603011200',
    };

    const notified = await notifyWith(claim)('forged-notify');
    const returned = await returnWith(claim)('forged-return');

    // Acknowledged as unknown, or refused for a shape no PayToken has (a TSNo is too short).
    expect([200, 400]).toContain(notified.status);
    expect(returned.status).toBe(400);
    expect((await shop.db.payment.findUniqueOrThrow({ where: { id: pending.payment.id } })).status).toBe('pending');
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: pending.order.id } })).status).toBe('awaiting_payment');
    expect(await shop.db.paymentEvent.count({ where: { paymentId: pending.payment.id, applied: true, toStatus: 'paid' } })).toBe(0);
  });
});

it('a checkout with a tampered price charges the price in the database', async () => {
  const buyer = new Shopper(shop.baseUrl);
  await buyer.addToCart(pending.productId, 2);

  const form = await buyer.openCheckout();

  const response = await buyer.agent
    .post('/checkout')
    .type('form')
    .send({ ...form, ...CUSTOMER_FIELDS, priceTwd: 1, unitPriceTwd: 1, totalTwd: 1, amount: 100, Amount: 100 });

  expect(response.status).toBe(303);
  const order = await shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' }, include: { lines: true, payments: true } });
  expect(order).toMatchObject({ totalTwd: 2 * 1299, lines: [{ unitPriceTwd: 1299, quantity: 2 }], payments: [{ amount: 2 * 1299 * 100 }] });
  expect(control().order({ orderNo: order.payments[0]!.orderNo }).amount).toBe(2 * 1299 * 100);
});
