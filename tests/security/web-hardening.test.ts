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
import { DEMO_SHOP } from '../../src/sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { getWithCookie, placeOrder } from '../payments/payment-flow-helpers';
import { Shopper } from '../support/shop-app';
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
    const { order, cookie } = await placeOrder(shop, 'A');
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
    const router = paymentCallbackRoutes({ db: shop.db, sinopac: {} as SinopacClient, clock: () => new Date(), logger: createLogger('silent'), screening: createCallbackScreening() });

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

describe('the session cookie', () => {
  const sessionCookie = (response: request.Response) =>
    ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('fengshou.sid='));

  it('is HttpOnly and SameSite=Lax, and not Secure outside production, where the shop runs on plain HTTP', async () => {
    const cookie = sessionCookie(await request(appWith({ production: false })).get('/'));

    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/; Secure/);
  });

  it('is also Secure in production, and never sent over plain HTTP there', async () => {
    const app = appWith({ production: true });

    const cookie = sessionCookie(await request(app).get('/').set('X-Forwarded-Proto', 'https'));
    const plain = sessionCookie(await request(app).get('/'));

    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Secure/);
    expect(plain).toBeUndefined();
  });

  it('is stored again, and sent again, only once its expiry is over an hour old', async () => {
    const DAY_MS = 24 * 3_600_000;
    const store = new session.MemoryStore();
    const sessions = () => new Promise<Record<string, session.SessionData>>((resolve) => store.all((_e, all) => resolve(all ?? {})));
    const app = appWith({ production: false, sessionStore: store });
    const cookie = sessionCookie(await request(app).get('/'))!.split(';')[0]!;
    const [[sid, stored]] = Object.entries(await sessions()) as [[string, session.SessionData]];
    let writes = 0;
    const set = store.set.bind(store);
    store.set = (id, data, done) => void (writes++, set(id, data, done));

    const fresh = await request(app).get('/').set('Cookie', cookie);
    // As if the session, holding a cart, had last been stored two hours ago.
    set(sid, { ...stored, cart: [{ productId: 1, quantity: 1 }], cookie: { ...stored.cookie, expires: new Date(Date.now() + 30 * DAY_MS - 2 * 3_600_000) } } as session.SessionData);
    const aged = await request(app).get('/').set('Cookie', cookie);

    expect(sessionCookie(fresh)).toBeUndefined();
    expect(sessionCookie(aged)).toMatch(/^fengshou\.sid=/);
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
    const response = await request(appWith({ production, db: brokenDb })).get('/').set('Accept', 'text/html');

    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expectNothingInternal(response.text);
  });

  it('answers a JSON client with a message only', async () => {
    const response = await request(appWith({ production: true, db: brokenDb })).get('/').set('Accept', 'application/json');

    expect(response.status).toBe(500);
    expect(Object.keys(response.body as object)).toEqual(['error']);
    expectNothingInternal(response.text);
  });

  it('answers the bank’s notification in its own terms, so that the bank tries again', async () => {
    const response = await request(appWith({ production: true, db: brokenDb }))
      .post(NOTIFY_PATH)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: 'a'.repeat(64) }));

    expect(response.status).toBe(500);
    expect(response.text).toBe('{"Status":"F"}');
  });
});
