import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_SIGN_IN_MS,
  afterLoginPath,
  createLoginThrottle,
  DEFAULT_COST,
  delayAfter,
  FAILURES_PER_ADDRESS,
  FREE_FAILURES,
  GLOBAL_FAILURES_PER_WINDOW,
  hashAdminPassword,
  LoginThrottledError,
  MAX_DELAY_MS,
  parseAdminPasswordHash,
  signedInAdmin,
  verifyAdminPassword,
} from '../../src/admin/sign-in';
import { HASHES_IN_FLIGHT } from '../../src/admin/hashing-gate';
import { CapturedLogs } from '../support/log-capture';
import { startShopHarness } from '../support/shop-harness';
import { ADMIN_PASSWORD, ADMIN_USERNAME, AdminBrowser, hiddenField, startAdminHarness, type AdminHarness } from '../support/admin-harness';

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness();
});
afterAll(() => h.close());

const sessionCookie = (response: request.Response) =>
  ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('fengshou.sid='))?.split(';')[0];

/** A browser at a client address of the test's choosing (the app trusts its loopback proxy's X-Forwarded-For). */
function from(address: string, harness: AdminHarness = h) {
  const browser = new AdminBrowser(harness.app);
  const login = async (username: string, password: string) => {
    const page = await browser.agent.get('/admin/login').set('X-Forwarded-For', address);
    return browser.agent
      .post('/admin/login')
      .set('X-Forwarded-For', address)
      .type('form')
      .send({ _csrf: hiddenField(page.text, '_csrf'), username, password });
  };
  return { browser, login };
}

describe('logging in', () => {
  it('with the right username and password opens the back office under a new session id', async () => {
    const browser = new AdminBrowser(h.app);
    // A session from before, as a shopper's cart gives one.
    const product = await h.db.product.findFirstOrThrow({ where: { status: 'active', stock: { gt: 0 } } });
    const _csrf = hiddenField((await browser.agent.get('/')).text, '_csrf');
    const before = sessionCookie(await browser.agent.post('/cart/items').type('form').send({ _csrf, productId: product.id, quantity: 1 }));
    expect(before).toBeDefined();

    const response = await browser.login();

    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/admin/orders');
    const after = sessionCookie(response);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const orders = await browser.agent.get('/admin/orders');
    expect(orders.status).toBe(200);
    expect(orders.text).toContain(ADMIN_USERNAME);
  });

  it('returns to the page that asked for it', async () => {
    const browser = new AdminBrowser(h.app);
    const asked = await browser.agent.get('/admin/orders?status=paid');
    const loginPage = await browser.agent.get(asked.headers.location!);
    const response = await browser.agent.post('/admin/login').type('form').send({
      _csrf: hiddenField(loginPage.text, '_csrf'),
      next: hiddenField(loginPage.text, 'next'),
      username: ADMIN_USERNAME,
      password: ADMIN_PASSWORD,
    });
    expect(response.headers.location).toBe('/admin/orders?status=paid');
  });

  it('with a wrong password or username is refused and opens nothing', async () => {
    const { browser, login } = from('198.51.100.1');
    for (const [username, password] of [[ADMIN_USERNAME, 'wrong'], ['someone', ADMIN_PASSWORD], ['', '']] as const) {
      const response = await login(username, password);
      expect(response.status).toBe(401);
      expect(response.text).toContain('data-testid="login-failed"');
    }
    expect((await browser.agent.get('/admin/orders')).status).toBe(303);
  });
});

// Its own shop, so the failures of the tests above do not count here.
describe('the form token', () => {
  it('of the pages before signing in is refused after it: a sign-in gives new ones', async () => {
    const { browser, login } = from('192.0.2.77');
    const before = await browser.agent.get('/admin/login');
    const tokenBefore = hiddenField(before.text, '_csrf');
    expect((await login(ADMIN_USERNAME, ADMIN_PASSWORD)).status).toBe(303);

    expect((await browser.agent.post('/admin/logout').type('form').send({ _csrf: tokenBefore })).status).toBe(403);
    const tokenAfter = hiddenField((await browser.agent.get('/admin/orders')).text, '_csrf');
    expect(tokenAfter).not.toBe(tokenBefore);
    expect((await browser.agent.post('/admin/logout').type('form').send({ _csrf: tokenAfter })).status).toBe(303);
  });
});

describe('throttling', () => {
  let fresh: AdminHarness;
  beforeAll(async () => {
    fresh = await startAdminHarness();
  });
  afterAll(() => fresh.close());
  const client = (address: string) => from(address, fresh);

  it('does not count successful logins', async () => {
    for (let i = 0; i <= FREE_FAILURES + 2; i++) expect((await client('192.0.2.50').login(ADMIN_USERNAME, ADMIN_PASSWORD)).status).toBe(303);
  });

  it('failures from one address never hold up the right password from another', async () => {
    for (let i = 0; i < FREE_FAILURES; i++) {
      expect((await client('198.51.100.10').login(` ${ADMIN_USERNAME.toUpperCase()}`, 'guess')).status).toBe(401);
    }
    const held = await client('198.51.100.10').login(ADMIN_USERNAME, ADMIN_PASSWORD);
    expect(held.status).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);

    expect((await client('198.51.100.99').login(ADMIN_USERNAME, ADMIN_PASSWORD)).status).toBe(303);
  });

  it(`locks an address after ${FAILURES_PER_ADDRESS} failures, whatever username it tries next`, async () => {
    const address = client('203.0.113.7');
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await address.login(`user${i}`, 'guess')).status).toBe(401);
    expect((await address.login('user-next', 'guess')).status).toBe(429);
    expect((await client('203.0.113.8').login('user-other', 'guess')).status).toBe(401);
  });

  it(`counts the ${FAILURES_PER_ADDRESS} failures of an address over its whole IPv6 /64`, async () => {
    for (let i = 1; i <= FAILURES_PER_ADDRESS; i++) expect((await client(`2001:db8:21:1::${i.toString(16)}`).login(`name${i}`, 'guess')).status).toBe(401);
    expect((await client('2001:db8:21:1:ffff::1').login('name-next', 'guess')).status).toBe(429);
    expect((await client('2001:db8:21:2::1').login('name-next', 'guess')).status).toBe(401);
  });
});

describe('sign-ins sent at once', () => {
  let slow: AdminHarness;
  beforeAll(async () => {
    // A cost whose hash takes tens of milliseconds, so that many of them overlap.
    slow = await startAdminHarness({ passwordCost: { N: 2 ** 14, r: 8, p: 1 } });
  });
  afterAll(() => slow.close());

  /** Browsers at the given addresses, each with the login page's token, then all their posts at once. */
  async function burst(addresses: string[], password = 'wrong') {
    const clients = await Promise.all(
      addresses.map(async (address, i) => {
        const browser = new AdminBrowser(slow.app);
        const page = await browser.agent.get('/admin/login').set('X-Forwarded-For', address);
        return { browser, address, username: `guess${i}`, _csrf: hiddenField(page.text, '_csrf') };
      }),
    );
    return clients.map(({ browser, address, username, _csrf }) =>
      browser.agent.post('/admin/login').set('X-Forwarded-For', address).type('form').send({ _csrf, username, password }).then((response) => response),
    );
  }

  it(`from one address see its cap of ${FAILURES_PER_ADDRESS}: each attempt counts before its password is hashed`, async () => {
    const answers = await Promise.all(await burst(Array.from({ length: 30 }, () => '198.51.100.30')));

    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(FAILURES_PER_ADDRESS);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30 - FAILURES_PER_ADDRESS);
  });

  it(`hash at most ${HASHES_IN_FLIGHT} at a time, so a static file is served while they wait, not after them`, async () => {
    const signIns = await burst(Array.from({ length: 24 }, (_, i) => `203.0.113.${100 + i}`));
    const finished: string[] = [];
    const settled = signIns.map((signIn) => signIn.then((answer) => void finished.push(`sign-in ${answer.status}`)));
    // Once one hash is done, every sign-in has long arrived and its hash is running or queued.
    await new Promise<void>((resolve) => {
      for (const signIn of signIns) void signIn.then((answer) => answer.status === 401 && resolve());
    });

    const stylesheet = await request(slow.app).get('/static/css/shop.css');
    finished.push('stylesheet');
    await Promise.all(settled);

    expect(stylesheet.status).toBe(200);
    const hashedBeforeStylesheet = finished.slice(0, finished.indexOf('stylesheet')).filter((entry) => entry === 'sign-in 401').length;
    const hashed = finished.filter((entry) => entry === 'sign-in 401').length;
    expect(hashed).toBeGreaterThan(HASHES_IN_FLIGHT + 2);
    // The first hash, and at most the ones beside it then: never the queue of them all.
    expect(hashedBeforeStylesheet).toBeLessThanOrEqual(1 + HASHES_IN_FLIGHT);
    expect(finished.filter((entry) => entry === 'sign-in 429').length).toBe(24 - hashed);
  });
});

describe('the sign-in throttle', () => {
  it('lets a few failures of one name from one address through, then makes each wait twice as long, up to 15 minutes', () => {
    expect([0, 1, 2, 3, 4, 5].map(delayAfter)).toEqual([0, 0, 0, 2_000, 4_000, 8_000]);
    expect(delayAfter(40)).toBe(MAX_DELAY_MS);

    let now = 1_000_000;
    const throttle = createLoginThrottle(() => now);
    // Each attempt counts as a failure until it succeeds.
    for (let i = 0; i < FREE_FAILURES; i++) throttle.attempt('merchant', '192.0.2.1');
    expect(() => throttle.attempt('merchant', '192.0.2.1')).toThrow(LoginThrottledError);
    expect(() => throttle.attempt('merchant', '192.0.2.2')).not.toThrow();
    now += 2_000;
    expect(() => throttle.attempt('merchant', '192.0.2.1')).not.toThrow();
    now += 2_000;
    expect(() => throttle.attempt('merchant', '192.0.2.1')).toThrow(LoginThrottledError);
    now += 2_000;
    throttle.attempt('merchant', '192.0.2.1');
    throttle.succeeded('merchant', '192.0.2.1');
    throttle.attempt('merchant', '192.0.2.1');
  });

  it('stops everyone only past a high ceiling of failures from all addresses together', () => {
    const throttle = createLoginThrottle(() => 5_000_000);
    for (let i = 0; i < GLOBAL_FAILURES_PER_WINDOW - 1; i++) throttle.attempt(`user${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(() => throttle.attempt('merchant', '192.0.2.9')).not.toThrow();
    throttle.succeeded('merchant', '192.0.2.9');
    throttle.attempt('someone', '192.0.2.10');
    expect(() => throttle.attempt('merchant', '192.0.2.9')).toThrow(/everywhere/);
  });

  it('gives back the count of an attempt withdrawn before its check', () => {
    const throttle = createLoginThrottle(() => 5_000_000);
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) throttle.attempt(`user${i}`, '192.0.2.20');
    expect(() => throttle.attempt('user-next', '192.0.2.20')).toThrow(/this address/);
    throttle.withdrawn('user0', '192.0.2.20');
    expect(() => throttle.attempt('user-next', '192.0.2.20')).not.toThrow();
  });
});

describe('sign-in rules', () => {
  it('new password hashes cost at least OWASP’s minimum for scrypt, and hashes made at the old cost still open the back office', async () => {
    expect(DEFAULT_COST.N).toBeGreaterThanOrEqual(2 ** 17);
    const old = await hashAdminPassword('correct horse', { N: 2 ** 15, r: 8, p: 1 });
    expect(await verifyAdminPassword('correct horse', parseAdminPasswordHash(old))).toBe(true);
    const current = await hashAdminPassword('correct horse');
    expect(current.startsWith(`scrypt:${2 ** 17}:8:1:`)).toBe(true);
    expect(await verifyAdminPassword('correct horse', parseAdminPasswordHash(current))).toBe(true);
  });

  it('a sign-in lasts twelve hours', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    const admin = { username: 'merchant', signedInAt: now.getTime() - ADMIN_SIGN_IN_MS + 1 };
    expect(signedInAdmin({ admin }, now)).toEqual(admin);
    expect(signedInAdmin({ admin: { ...admin, signedInAt: admin.signedInAt - 1 } }, now)).toBeUndefined();
  });

  it('returns only to back-office paths of this site', () => {
    expect(afterLoginPath('/admin/orders/abc?x=1')).toBe('/admin/orders/abc?x=1');
    for (const next of ['//evil.example/admin', 'https://evil.example/admin', '/admin//evil.example', '/orders', '/admin/login', undefined, ['/admin']]) {
      expect(afterLoginPath(next)).toBe('/admin/orders');
    }
  });

  it('passwords are stored as salted scrypt hashes that only the right password matches', async () => {
    const stored = await hashAdminPassword('correct horse', { N: 1024, r: 8, p: 1 });
    expect(stored).toMatch(/^scrypt:1024:8:1:[\w-]{22}:[\w-]{43}$/);
    expect(await hashAdminPassword('correct horse', { N: 1024, r: 8, p: 1 })).not.toBe(stored);
    expect(await verifyAdminPassword('correct horse', parseAdminPasswordHash(stored))).toBe(true);
    expect(await verifyAdminPassword('correct horsE', parseAdminPasswordHash(stored))).toBe(false);
    expect(() => parseAdminPasswordHash('plain-text-password')).toThrow(/ADMIN_PASSWORD_HASH/);
    // A hash cut short would match far too much.
    expect(() => parseAdminPasswordHash(stored.replace(/:[\w-]+$/, ':!!'))).toThrow(/32 bytes/);
  });
});

describe('the log of a failed sign-in', () => {
  it('holds a digest of the name typed, never the name itself', async () => {
    const logs = new CapturedLogs();
    const passwordHash = await hashAdminPassword(ADMIN_PASSWORD, { N: 1024, r: 8, p: 1 });
    const shop = await startShopHarness({}, { logDestination: logs, admin: { username: ADMIN_USERNAME, passwordHash } });
    try {
      // Someone typing their password into the name field.
      const typed = 'MyS3cret-Passw0rd';
      const browser = new AdminBrowser(shop.baseUrl);
      expect((await browser.login(typed, 'anything')).status).toBe(401);

      const failure = logs.entries().find((entry) => entry.msg === 'back-office login failed');
      expect(failure).toMatchObject({ usernameDigest: expect.stringMatching(/^[0-9a-f]{12}$/) });
      expect(JSON.stringify(logs.entries())).not.toContain(typed);
    } finally {
      await shop.close();
    }
  });
});
