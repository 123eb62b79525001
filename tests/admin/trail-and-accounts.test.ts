// The merchant's trail (every back-office action with who, when, what and from where; listed with
// filters; append-only down to the database) and the back office's accounts (the owner from the
// environment adds and disables staff, who cannot manage accounts themselves).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMerchantAction } from '../../src/admin/trail';
import { ADMIN_USERNAME, AdminBrowser, hiddenField, paidCardAttempt, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';

let h: AdminHarness;
let owner: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  owner = await signedIn(h.app);
});
afterAll(() => h.close());

const STAFF_PASSWORD = 'packing-boxes-all-morning';
let staffCount = 0;
const newStaffName = () => `staff${++staffCount}.${Date.now() % 100000}`;

async function addStaff(username = newStaffName()) {
  const response = await owner.post('/admin/accounts', { username, password: STAFF_PASSWORD });
  expect(response.status).toBe(303);
  return username;
}

async function signInAs(username: string, address = '10.1.2.3') {
  const browser = new AdminBrowser(h.app);
  const page = await browser.agent.get('/admin/login');
  const response = await browser.agent
    .post('/admin/login')
    .set('X-Forwarded-For', address)
    .type('form')
    .send({ _csrf: hiddenField(page.text, '_csrf'), username, password: STAFF_PASSWORD });
  return { browser, response };
}

const trailRows = (html: string) =>
  [...html.matchAll(/data-testid="trail-row" data-action="([a-z_]+)" data-actor="([^"]*)" data-subject="([^"]*)"/g)].map((m) => ({ action: m[1], actor: m[2], subject: m[3] }));

describe('accounts', () => {
  it('the owner adds a staff account, who signs in with their own password, and the trail says who', async () => {
    const username = await addStaff();
    const stored = await h.db.merchantAccount.findUniqueOrThrow({ where: { username } });
    expect(stored.passwordHash).toMatch(/^scrypt:/);
    expect(stored.passwordHash).not.toContain(STAFF_PASSWORD);
    expect(stored.createdBy).toBe(ADMIN_USERNAME);

    const { browser, response } = await signInAs(username);
    expect(response.status).toBe(303);
    const page = await browser.agent.get('/admin/orders');
    expect(page.text).toContain(`data-testid="admin-user">${username}<`);
    expect(page.text).not.toContain('data-testid="nav-accounts"');
    const signIn = await h.db.merchantAction.findFirstOrThrow({ where: { actor: username, action: 'sign_in' } });
    expect(signIn.address).toBe('10.1.2.3');
    expect(await h.db.merchantAction.count({ where: { actor: ADMIN_USERNAME, action: 'account_added', subject: username } })).toBe(1);
  });

  it('a wrong password or an unknown name opens nothing', async () => {
    const username = await addStaff();
    const browser = new AdminBrowser(h.app);
    expect((await browser.login(username, 'not-the-password-at-all')).status).toBe(401);
    expect((await browser.login('nobody-here', STAFF_PASSWORD)).status).toBe(401);
    expect((await browser.agent.get('/admin/orders')).status).toBe(303);
  });

  it('staff cannot see or change accounts', async () => {
    const { browser } = await signInAs(await addStaff());
    expect((await browser.agent.get('/admin/accounts')).status).toBe(403);
    const response = await browser.post('/admin/accounts', { username: 'sneaky.one', password: STAFF_PASSWORD });
    expect(response.status).toBe(403);
    expect(await h.db.merchantAccount.count({ where: { username: 'sneaky.one' } })).toBe(0);
  });

  it('a disabled account is signed out at its next request and cannot sign in again', async () => {
    const username = await addStaff();
    const { browser } = await signInAs(username);
    expect((await browser.agent.get('/admin/orders')).status).toBe(200);
    const account = await h.db.merchantAccount.findUniqueOrThrow({ where: { username } });
    expect((await owner.post(`/admin/accounts/${account.id}/disable`)).status).toBe(303);
    const after = await browser.agent.get('/admin/orders');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/admin/login');
    expect((await signInAs(username)).response.status).toBe(401);
    expect(await h.db.merchantAction.count({ where: { action: 'account_disabled', subject: username } })).toBe(1);
  });

  it('refuses a bad username, a short password, the owner\'s name and a name taken, with the form back', async () => {
    const taken = await addStaff();
    for (const [username, password, problem] of [
      ['Has Spaces', STAFF_PASSWORD, 'username'],
      ['fine.name', 'short', 'password'],
      [ADMIN_USERNAME, STAFF_PASSWORD, 'taken'],
      [taken, STAFF_PASSWORD, 'taken'],
    ] as const) {
      const response = await owner.post('/admin/accounts', { username, password });
      expect(response.status).toBe(422);
      expect(response.text).toContain(`data-problem="${problem}"`);
      expect(response.text).toContain(`value="${username}"`);
      expect(response.text).not.toContain(password === STAFF_PASSWORD ? STAFF_PASSWORD : 'value="short"');
    }
  });
});

describe('the trail', () => {
  it('records a refund and a re-check with who, what and from where', async () => {
    const { order, payment } = await paidCardAttempt(h, 1_200);
    const form = await owner.agent.get(`/admin/payments/${payment.id}/refund`);
    const _csrf = hiddenField(form.text, '_csrf');
    const idempotencyKey = hiddenField(form.text, 'idempotencyKey');
    const refunded = await owner.agent.post(`/admin/payments/${payment.id}/refunds`).type('form').send({ _csrf, kind: 'refund', amountTwd: '200', idempotencyKey });
    expect(refunded.status).toBe(303);
    await owner.post(`/admin/payments/${payment.id}/recheck`);
    const rows = await h.db.merchantAction.findMany({ where: { subject: payment.orderNo }, orderBy: { id: 'asc' } });
    expect(rows.map((row) => [row.action, row.actor])).toEqual([['refund', ADMIN_USERNAME], ['recheck', ADMIN_USERNAME]]);
    expect(rows[0]!.details).toMatchObject({ kind: 'refund', amount: 20_000, result: 'succeeded' });
    expect(rows[0]!.address).toMatch(/127\.0\.0\.1/);
    expect(order.number).toBeTruthy();
  });

  it('is listed newest first, filtered by actor, action and Taipei days', async () => {
    const staff = await addStaff();
    await recordMerchantAction(h.db, { actor: staff, action: 'stock_change', subject: 'rice-5kg', details: { from: 3, to: 10 }, address: '10.0.0.9' });
    await recordMerchantAction(h.db, { actor: staff, action: 'product_change', subject: 'rice-5kg' });
    const byActor = trailRows((await owner.agent.get('/admin/trail').query({ actor: staff })).text);
    expect(byActor.map((row) => row.action)).toEqual(['product_change', 'stock_change']);
    const byAction = trailRows((await owner.agent.get('/admin/trail').query({ action: 'stock_change', actor: staff })).text);
    expect(byAction).toEqual([{ action: 'stock_change', actor: staff, subject: 'rice-5kg' }]);
    const none = trailRows((await owner.agent.get('/admin/trail').query({ actor: staff, from: '2020-01-01', to: '2020-01-02' })).text);
    expect(none).toEqual([]);
    expect((await owner.agent.get('/admin/trail').query({ action: 'delete_everything' })).status).toBe(400);
    expect((await owner.agent.get('/admin/trail').query({ from: '2026-02-02', to: '2026-01-01' })).status).toBe(400);
  });

  it('cannot be changed or removed, even by the shop\'s own database user', async () => {
    await recordMerchantAction(h.db, { actor: 'someone', action: 'shipment', subject: 'FS-KEEP' });
    const row = await h.db.merchantAction.findFirstOrThrow({ where: { subject: 'FS-KEEP' } });
    await expect(h.db.merchantAction.update({ where: { id: row.id }, data: { actor: 'someone-else' } })).rejects.toThrow(/append-only/);
    await expect(h.db.merchantAction.delete({ where: { id: row.id } })).rejects.toThrow(/append-only/);
    await expect(h.db.$executeRawUnsafe('TRUNCATE "MerchantAction"')).rejects.toThrow(/append-only/);
    expect(await h.db.merchantAction.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
  });
});
