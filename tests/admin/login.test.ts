import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SIGN_IN_MS, signedInAdmin } from '../../src/admin/admin-session';
import { hashAdminPassword, parseAdminPasswordHash, verifyAdminPassword } from '../../src/admin/password-hash';
import { FAILURES_PER_ADDRESS, FAILURES_PER_USERNAME } from '../../src/admin/login-throttle';
import { afterLoginPath } from '../../src/admin/require-admin';
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
    const before = sessionCookie(await browser.agent.get('/admin/login'));
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
describe('throttling', () => {
  let fresh: AdminHarness;
  beforeAll(async () => {
    fresh = await startAdminHarness();
  });
  afterAll(() => fresh.close());
  const client = (address: string) => from(address, fresh);

  it('does not count successful logins', async () => {
    for (let i = 0; i <= FAILURES_PER_USERNAME; i++) expect((await client('192.0.2.50').login(ADMIN_USERNAME, ADMIN_PASSWORD)).status).toBe(303);
  });

  it(`locks a username after ${FAILURES_PER_USERNAME} failures, even against the right password and from other addresses`, async () => {
    for (let i = 0; i < FAILURES_PER_USERNAME; i++) {
      expect((await client(`198.51.100.${10 + i}`).login(` ${ADMIN_USERNAME.toUpperCase()}`, 'guess')).status).toBe(401);
    }
    const locked = await client('198.51.100.99').login(ADMIN_USERNAME, ADMIN_PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('15');
  });

  it(`locks an address after ${FAILURES_PER_ADDRESS} failures, whatever username it tries next`, async () => {
    const address = client('203.0.113.7');
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) expect((await address.login(`user${i}`, 'guess')).status).toBe(401);
    expect((await address.login('user-next', 'guess')).status).toBe(429);
    expect((await client('203.0.113.8').login('user-other', 'guess')).status).toBe(401);
  });
});

describe('sign-in rules', () => {
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
