// The shop's browser-facing defences: a script policy with a nonce and no inline script, CSRF on
// every form with only the two bank callbacks exempt, session cookies a script cannot read, and
// error pages that never show how the shop is built.
import { createCallbackScreening } from '../../src/web/callback-screening';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import session from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppDependencies } from '../../src/app';
import type { Database } from '../../src/db/prisma';
import { createLogger } from '../../src/logger';
import { NOTIFY_PATH, paymentCallbackRoutes, RETURN_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { getWithCookie, placeOrder } from '../payments/payment-flow-helpers';
import { Shopper } from '../support/shop-app';
import { hiddenField } from '../support/admin-harness';
import { createProduct } from '../support/shop-fixtures';
import { startShopHarness, type ShopHarness } from '../support/shop-harness';

let shop: ShopHarness;
beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());

/** The shop's app on its own, over the harness's database unless another is given. */
function appWith(options: { production: boolean; db?: Database; sessionStore?: session.Store }) {
  const deps: AppDependencies = {
    db: options.db ?? shop.db,
    sinopac: new SinopacClient({ apiUrl: shop.sandbox.apiUrl, shopNo: DEMO_SHOP.shopNo, hashKeys: DEMO_SHOP.hashKeys, timeoutMs: 1_000 }),
    logger: createLogger('silent'),
    clock: () => new Date(),
    sessionStore: options.sessionStore ?? new session.MemoryStore(),
    settings: {
      production: options.production,
      sessionSecret: 'web-hardening-secret',
      publicBaseUrl: 'https://shop.example.tw',
      bankOrigins: [shop.sandbox.origin],
      atmExpireDays: 3,
      cardExpMinutes: 10,
    },
  };
  return createApp(deps);
}

const VIEWS = fileURLToPath(new URL('../../views', import.meta.url));
const templates = readdirSync(VIEWS, { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.njk'))
  .map((name) => [name, readFileSync(join(VIEWS, name), 'utf8')] as const);
// E-mails (views/mail/) are no pages: no CSP applies, and mail programs keep only inline styles.
const isMail = (name: string) => name.startsWith('mail/');
const views = templates.filter(([name]) => !isMail(name));
const mails = templates.filter(([name]) => isMail(name));

describe('the templates', () => {
  it.each(views)('%s: no inline script, event handler or style attribute', (_name, template) => {
    for (const [tag] of template.matchAll(/<script\b[^>]*>/g)) expect(tag).toMatch(/\ssrc="/);
    expect(template).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    expect(template).not.toMatch(/javascript:/i);
    // The policy allows styles from our origin only: an inline style would silently do nothing.
    expect(template).not.toMatch(/<[^>]*\sstyle\s*=/i);
  });

  it.each(mails)('%s: no script, event handler or javascript: link in an e-mail', (_name, template) => {
    expect(template).not.toMatch(/<script\b/i);
    expect(template).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    expect(template).not.toMatch(/javascript:/i);
  });

  it.each(views.filter(([, template]) => /<form\b[^>]*method="post"/i.test(template)))('%s: every form that posts carries the CSRF token', (_name, template) => {
    for (const [form] of template.matchAll(/<form\b[^>]*method="post"[^>]*>[\s\S]*?<\/form>/gi)) {
      expect(form).toMatch(/csrfField\(csrfToken\)|name="_csrf" value="\{\{ csrfToken \}\}"/);
    }
  });
});

describe('the pages', () => {
  async function pagesOfAShopper() {
    const product = await createProduct(shop.db, { priceTwd: 500, stock: 5 });
    const browser = new Shopper(shop.baseUrl);
    await browser.addToCart(product.id, 1);
    const pages = [];
    for (const path of ['/', `/products/${product.slug}`, '/cart', '/checkout', '/orders', '/no-such-page']) {
      const response = await browser.agent.get(path);
      pages.push({ path, status: response.status, csp: String(response.headers['content-security-policy']), html: response.text });
    }
    const { order, cookie } = await placeOrder(shop, 'atm');
    for (const path of [`/orders/${order.id}`, `/orders/${order.id}/result`]) {
      const response = await getWithCookie(shop, path, cookie);
      pages.push({ path, status: response.status, csp: response.headers.get('content-security-policy') ?? '', html: response.text });
    }
    return pages;
  }

  it('run only scripts from the shop, under a policy with a fresh nonce and no inline script', async () => {
    const pages = await pagesOfAShopper();

    expect(pages.map((page) => page.status)).toEqual([200, 200, 200, 200, 200, 404, 200, 200]);
    const nonces = new Set<string>();
    for (const page of pages) {
      const scriptSrc = /(?:^|;)script-src ([^;]*)/.exec(page.csp)?.[1];
      expect(scriptSrc, page.path).toMatch(/^'self' 'nonce-[A-Za-z0-9+/=]{24}'$/);
      nonces.add(scriptSrc!);
      expect(page.csp).toContain("script-src-attr 'none'");
      expect(page.csp).toContain("frame-ancestors 'none'");
      expect(page.csp).toContain(`form-action 'self' ${shop.sandbox.origin}`);
      const scripts = [...page.html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
      expect(scripts.length, page.path).toBeGreaterThan(0);
      for (const [tag, body] of scripts) {
        expect(tag, page.path).toMatch(/ src="\/(static|vendor)\//);
        expect(body?.trim()).toBe('');
      }
      expect(page.html, page.path).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
    }
    expect(nonces.size).toBe(pages.length);
  });

  it('send HSTS and upgrade insecure requests in production only', async () => {
    const production = await request(appWith({ production: true })).get('/').set('X-Forwarded-Proto', 'https');
    const development = await request(appWith({ production: false })).get('/');

    expect(production.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(production.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(development.headers['strict-transport-security']).toBeUndefined();
    expect(development.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});

describe('CSRF', () => {
  it('only the two bank callbacks are routes mounted ahead of the CSRF check', () => {
    const router = paymentCallbackRoutes({ db: shop.db, sinopac: {} as SinopacClient, clock: () => new Date(), logger: createLogger('silent'), screening: createCallbackScreening(shop.db) });

    const routes = router.stack.map((layer) => ({ path: layer.route?.path, methods: Object.keys((layer.route as { methods?: object } | undefined)?.methods ?? {}) }));

    expect(routes).toEqual([
      { path: NOTIFY_PATH, methods: ['post'] },
      { path: RETURN_PATH, methods: ['post'] },
    ]);
  });

  it.each([
    '/cart/items',
    '/checkout',
    '/orders/00000000-0000-4000-8000-000000000000/payments',
    '/orders/00000000-0000-4000-8000-000000000000/pay-again',
    `${NOTIFY_PATH}/again`,
    '/payments/sinopac',
    '/no-such-form',
  ])('refuses a POST to %s without the token, from a browser with a session and from one without', async (path) => {
    const browser = new Shopper(shop.baseUrl);
    await browser.csrfToken();

    expect((await browser.agent.post(path).type('form').send({ quantity: 1 })).status).toBe(403);
    expect((await request(shop.baseUrl).post(path).type('form').send({ quantity: 1 })).status).toBe(403);
  });

  it.each([NOTIFY_PATH, RETURN_PATH])('lets the bank reach %s without one', async (path) => {
    const response = await request(shop.baseUrl).post(path).type('form').send({ ShopNo: DEMO_SHOP.shopNo });

    expect(response.status).not.toBe(403);
    expect(response.status).toBeLessThan(500);
  });
});

/** The cookies a response sets, by name, each with its attributes. */
function cookiesSet(response: request.Response): Map<string, string> {
  const all = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return new Map(all.map((cookie) => [cookie.slice(0, cookie.indexOf('=')), cookie]));
}

/** Opens the catalog and puts a product in the cart, as a browser behind the shop's HTTPS proxy. */
async function shopperWithCart(app: ReturnType<typeof appWith>) {
  const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });
  const home = await request(app).get('/').set('X-Forwarded-Proto', 'https');
  const cookies = [...cookiesSet(home).values()].map((cookie) => cookie.split(';')[0]!);
  const added = await request(app)
    .post('/cart/items')
    .set('X-Forwarded-Proto', 'https')
    .set('Cookie', cookies.join('; '))
    .type('form')
    .send({ _csrf: hiddenField(home.text, '_csrf'), productId: product.id, quantity: 1 });
  expect(added.status).toBe(303);
  return { home, added, product, cookies: [...cookies, ...[...cookiesSet(added).values()].map((cookie) => cookie.split(';')[0]!)] };
}

describe('the cookies', () => {
  it.each([
    ['outside production, where the shop runs on plain HTTP', false, ''],
    ['in production', true, '__Host-'],
  ])('are HttpOnly and SameSite=Lax, for path / of this host only, and Secure and __Host- in production only: %s', async (_where, production, prefix) => {
    const { home, added } = await shopperWithCart(appWith({ production }));
    const languageChosen = await request(appWith({ production })).get('/?lang=en').set('X-Forwarded-Proto', 'https');
    const cookies = [
      cookiesSet(home).get(`${prefix}fengshou.csrf`),
      cookiesSet(added).get(`${prefix}fengshou.sid`),
      cookiesSet(added).get(`${prefix}fengshou.cart`),
      cookiesSet(languageChosen).get(`${prefix}fengshou.lang`),
    ];
    expect(cookies.every((cookie) => cookie !== undefined)).toBe(true);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/; Path=\/(;|$)/);
      expect(cookie).not.toMatch(/; Domain=/i);
    }

    for (const cookie of cookies) {
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      if (production) expect(cookie).toMatch(/; Secure/);
      else expect(cookie).not.toMatch(/; Secure/);
    }
  });

  it('no cookie is sent over plain HTTP in production: the request is refused (tests/security/https-only.test.ts)', async () => {
    const app = appWith({ production: true });
    const { cookies, home } = await shopperWithCart(app);
    const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });

    const csrfToken = hiddenField(home.text, '_csrf');
    const plain = await request(app).post('/cart/items').set('Cookie', cookies.filter((c) => !c.startsWith('__Host-fengshou.sid=')).join('; ')).type('form').send({ _csrf: csrfToken, productId: product.id, quantity: 1 });

    expect(plain.status).toBe(403);
    expect(cookiesSet(plain).size).toBe(0);
  });

  it('a visitor who only looks at the catalog and the products gets a CSRF cookie and no session', async () => {
    const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });
    for (const path of ['/', `/products/${product.slug}`]) {
      const page = await request(appWith({ production: false })).get(path);
      expect(page.status).toBe(200);
      expect([...cookiesSet(page).keys()]).toEqual(['fengshou.csrf']);
    }
  });

  it('the catalog and the products are served without reading the session, with the cart badge from its cookie', async () => {
    const store = new session.MemoryStore();
    let reads = 0;
    const get = store.get.bind(store);
    store.get = (sid, done) => void (reads++, get(sid, done));
    const app = appWith({ production: false, sessionStore: store });
    const { cookies, product } = await shopperWithCart(app);
    const readsBefore = reads;

    const pages = await Promise.all(['/', `/products/${product.slug}`].map((path) => request(app).get(path).set('Cookie', cookies.join('; '))));
    expect(reads).toBe(readsBefore);
    for (const page of pages) expect(page.text).toMatch(/data-testid="cart-count">1</);

    const cart = await request(app).get('/cart').set('Cookie', cookies.join('; '));
    expect(reads).toBe(readsBefore + 1);
    expect(cart.text).toMatch(/data-testid="cart-count">1</);
  });

  it('the cart badge cookie follows the session’s cart, and goes when the cart is empty', async () => {
    const browser = new Shopper(appWith({ production: false }));
    const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });
    const badge = async () => /data-testid="cart-count">(\d+)</.exec((await browser.agent.get('/')).text)?.[1];

    await browser.addToCart(product.id, 2);
    expect(await badge()).toBe('2');
    await browser.post('/cart', { [`quantity-${product.id}`]: 3 });
    expect(await badge()).toBe('3');
    const removed = await browser.post(`/cart/items/${product.id}/remove`);
    expect(cookiesSet(removed).get('fengshou.cart')).toMatch(/^fengshou\.cart=;.*Expires=Thu, 01 Jan 1970/);
    expect(await badge()).toBeUndefined();
  });

  it('a form token is good only with the cookie of the browser it was given to', async () => {
    const app = appWith({ production: false });
    const product = await createProduct(shop.db, { priceTwd: 300, stock: 5 });
    const [first, second] = [new Shopper(app), new Shopper(app)];
    const firstToken = await first.csrfToken();
    await second.csrfToken();

    const add = (browser: Shopper, _csrf: string) => browser.agent.post('/cart/items').type('form').send({ _csrf, productId: product.id, quantity: 1 });
    expect((await add(second, firstToken)).status).toBe(403);
    expect((await add(second, `${firstToken.slice(0, -1)}${firstToken.endsWith('A') ? 'B' : 'A'}`)).status).toBe(403);
    expect((await add(first, firstToken)).status).toBe(303);
  });

  it('a form token is good only in the session it was given in: another visitor’s valid cookie and token are refused in this one', async () => {
    const app = appWith({ production: false });
    const attacker = await shopperWithCart(app);
    const victim = await shopperWithCart(app);
    const cookieOf = (cookies: string[], name: string) => cookies.find((cookie) => cookie.startsWith(`${name}=`))!;
    const attackerToken = hiddenField((await request(app).get('/').set('Cookie', attacker.cookies.join('; '))).text, '_csrf');
    const add = (cookies: string[], _csrf: string) =>
      request(app).post('/cart/items').set('Cookie', cookies.join('; ')).type('form').send({ _csrf, productId: victim.product.id, quantity: 1 });
    const plantedPair = [cookieOf(attacker.cookies, 'fengshou.csrf'), cookieOf(victim.cookies, 'fengshou.sid')];

    expect((await add(plantedPair, attackerToken)).status).toBe(403);
    // Nor a pair from before the attacker had a session.
    expect((await add(plantedPair, hiddenField(attacker.home.text, '_csrf'))).status).toBe(403);
    expect((await add(attacker.cookies, attackerToken)).status).toBe(303);
  });

  it('a made-up CSRF cookie gives a new one, not a token for it', async () => {
    const page = await request(appWith({ production: false })).get('/').set('Cookie', 'fengshou.csrf=attacker-chosen');
    const issued = cookiesSet(page).get('fengshou.csrf');

    expect(issued).toMatch(/^fengshou\.csrf=[A-Za-z0-9_-]{43};/);
  });
});

describe('the session', () => {
  it('is stored again, and its cookie sent again, only once its expiry is over an hour old', async () => {
    const DAY_MS = 24 * 3_600_000;
    const store = new session.MemoryStore();
    const sessions = () => new Promise<Record<string, session.SessionData>>((resolve) => store.all((_e, all) => resolve(all ?? {})));
    const app = appWith({ production: false, sessionStore: store });
    const { cookies } = await shopperWithCart(app);
    const [[sid, stored]] = Object.entries(await sessions()) as [[string, session.SessionData]];
    let writes = 0;
    const set = store.set.bind(store);
    store.set = (id, data, done) => void (writes++, set(id, data, done));

    const fresh = await request(app).get('/cart').set('Cookie', cookies.join('; '));
    // As if the session had last been stored two hours ago.
    set(sid, { ...stored, cookie: { ...stored.cookie, expires: new Date(Date.now() + 30 * DAY_MS - 2 * 3_600_000) } } as session.SessionData);
    const aged = await request(app).get('/cart').set('Cookie', cookies.join('; '));

    expect(cookiesSet(fresh).has('fengshou.sid')).toBe(false);
    expect(cookiesSet(aged).get('fengshou.sid')).toMatch(/^fengshou\.sid=/);
    expect(writes).toBe(1);
    expect(new Date((await sessions())[sid]!.cookie.expires!).getTime()).toBeGreaterThan(Date.now() + 30 * DAY_MS - 60_000);
  });
});

describe('a failure inside the shop', () => {
  // Not a database outage (that is a 503, tests/reliability/database-restart.test.ts): a fault of our own.
  const failure = new TypeError('Cannot read properties of undefined (reading \'secretColumn\')');
  const brokenDb = new Proxy({}, {
    get: () => {
      throw failure;
    },
  }) as Database;

  function expectNothingInternal(body: string) {
    expect(body).not.toContain('secretColumn');
    expect(body).not.toMatch(/\/work\/|\/src\/|node_modules|\.ts:\d+|\bat \S+ \(/);
    for (const line of failure.stack!.split('\n').slice(1)) expect(body).not.toContain(line.trim());
  }

  it.each([
    ['production', true],
    ['development', false],
  ])('shows a page with a 500 and no stack or file path, in %s', async (_mode, production) => {
    // As through the shop's HTTPS proxy: a plain-HTTP request in production never gets this far.
    const response = await request(appWith({ production, db: brokenDb })).get('/').set('X-Forwarded-Proto', 'https').set('Accept', 'text/html');

    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expectNothingInternal(response.text);
  });

  it('answers a JSON client with a message only', async () => {
    const response = await request(appWith({ production: true, db: brokenDb })).get('/').set('X-Forwarded-Proto', 'https').set('Accept', 'application/json');

    expect(response.status).toBe(500);
    expect(Object.keys(response.body as object)).toEqual(['error']);
    expectNothingInternal(response.text);
  });

  it('answers the bank’s notification in its own terms, so that the bank tries again', async () => {
    const response = await request(appWith({ production: true, db: brokenDb }))
      .post(NOTIFY_PATH)
      .set('X-Forwarded-Proto', 'https')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: 'a'.repeat(64) }));

    expect(response.status).toBe(500);
    expect(response.text).toBe('{"Status":"F"}');
  });
});
