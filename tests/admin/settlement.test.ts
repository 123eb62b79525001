// The settlement in the back office: the list of days, "fetch again" (a CSRF-protected POST), a
// day's differences with links to the orders, and both CSV exports.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Payment } from '../../src/generated/prisma/client';
import { addDays, taipeiDayBounds, taipeiDayOf } from '../../src/settlement/bank-dates';
import { hiddenField, paidCardAttempt, signedIn, startAdminHarness, type AdminBrowser, type AdminHarness } from '../support/admin-harness';

const HOUR = 3_600_000;
// Shop and bank share this clock, which the database's bookings follow too. It starts at noon of a
// fixed Taipei day, so every booking of the test falls on it whatever the wall time.
const DAY = '20260310';
let offsetMs = taipeiDayBounds(DAY).start.getTime() + 12 * HOUR - Date.now();
const clock = () => new Date(Date.now() + offsetMs);

let h: AdminHarness;
let admin: AdminBrowser;
let day: string;
let matched: Payment;
let altered: { order: Order; payment: Payment };
const stray = `STRAY${Date.now()}B`;

beforeAll(async () => {
  h = await startAdminHarness({ clock });
  day = taipeiDayOf(clock());
  expect(day).toBe(DAY);
  matched = (await paidCardAttempt(h, 1_000)).payment;
  altered = await paidCardAttempt(h, 1_200);
  h.sandbox.sandbox.control.setOrderFaults({ orderNo: altered.payment.orderNo }, { billAlter: { Amount: 99_900 } });
  await h.sinopac.orderCreate({
    OrderNo: stray, Amount: 30_000, PayType: 'C', PrdtName: 'Not ours', ReturnURL: 'http://127.0.0.1:9/r', CardParam: { AutoBilling: 'Y' },
  });
  h.sandbox.sandbox.control.pay({ orderNo: stray });
  // The next morning in Taipei: the day is over.
  offsetMs = taipeiDayBounds(day).end.getTime() + 3 * HOUR - Date.now();
  admin = await signedIn(h.app);
});
afterAll(() => h?.close());

async function fetchAgain(d: string) {
  const page = await admin.agent.get('/admin/settlement');
  return admin.agent.post(`/admin/settlement/${d}/fetch`).type('form').send({ _csrf: hiddenField(page.text, '_csrf') });
}

describe('the settlement page', () => {
  it('lists yesterday and the 30 days before it, none fetched yet', async () => {
    const page = await admin.agent.get('/admin/settlement?lang=en');
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/data-testid="settlement-day" data-day="(\d{8})" data-state="(\w+)"/g)].map((m) => [m[1], m[2]]);
    expect(rows).toHaveLength(31);
    expect(rows[0]).toEqual([day, 'not_fetched']);
    expect(rows[30]).toEqual([addDays(day, -30), 'not_fetched']);
    expect(page.text).toContain('Not fetched');
  });

  it('refuses "fetch again" without the CSRF token', async () => {
    const response = await admin.agent.post(`/admin/settlement/${day}/fetch`).type('form').send({});
    expect(response.status).toBe(403);
    expect(await h.db.settlementDay.count()).toBe(0);
  });

  it('fetches a day again and shows each difference, linked to its order', async () => {
    const response = await fetchAgain(day);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/admin/settlement/${day}`);
    // In the merchant's trail, with who fetched which day.
    expect(await h.db.merchantAction.findMany({ where: { action: 'settlement_fetch' }, select: { actor: true, subject: true, details: true } })).toEqual([
      { actor: 'merchant', subject: day, details: { result: 'fetched' } },
    ]);
    const page = await admin.agent.get(`/admin/settlement/${day}?lang=en`);
    expect(page.text).toContain('data-notice="admin.settlement.fetched.differences"');
    expect(page.text).toContain('data-state="differences"');
    const differences = [...page.text.matchAll(/data-testid="settlement-difference" data-kind="(\w+)" data-order-no="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(differences).toEqual([['amount_mismatch', altered.payment.orderNo], ['missing_in_shop', stray]]);
    expect(page.text).toContain(`<a href="/admin/orders/${altered.order.id}">${altered.payment.orderNo}</a>`);
    expect(page.text).toContain('Amount differs');
    expect(page.text).toContain('At the bank, not booked in the shop');
    expect([...page.text.matchAll(/data-testid="settlement-line"/g)]).toHaveLength(3);
    // A day that fits on one page has no page links.
    expect(page.text).not.toContain('data-testid="line-pages"');
    expect(page.text).not.toContain('data-testid="difference-pages"');
    expect(page.text).toContain(matched.orderNo);

    const list = await admin.agent.get('/admin/settlement?lang=zh-TW');
    expect(list.text).toContain(`data-day="${day}" data-state="differences"`);
    expect(list.text).toContain('有差異');
  });

  it("exports a day line by line for the accountant, in the page's language", async () => {
    const response = await admin.agent.get(`/admin/settlement/${day}.csv`).query({ lang: 'en' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain(`settlement-${day}.csv`);
    const rows = response.text.split('\r\n');
    expect(rows[0]).toBe('\uFEFFDay,TSNo,SinoPac OrderNo,Type,Payment method,Bank amount (TWD),Shop amount (TWD),Bank time,Result,Booked in the shop on');
    expect(rows.find((r) => r.includes(matched.orderNo))).toMatch(new RegExp(`^${day},\\w+,${matched.orderNo},Payment,Credit card,1000,1000,\\d{12},Matched,$`));
    expect(rows.find((r) => r.includes(altered.payment.orderNo))).toContain(',Payment,Credit card,999,1200,');
    expect(rows.find((r) => r.includes(stray))).toMatch(/,Payment,Credit card,300,,\d{12},"At the bank, not booked in the shop",$/);
  });

  it('exports the list of days with the totals of both sides', async () => {
    const response = await admin.agent.get('/admin/settlement.csv').query({ lang: 'en' });
    const rows = response.text.split('\r\n');
    expect(rows[0]).toBe('\uFEFFDay,State,Bank payments,Bank payments (TWD),Bank refunds,Bank refunds (TWD),Shop payments,Shop payments (TWD),Shop refunds,Shop refunds (TWD),Differences');
    expect(rows[1]).toBe(`${day},Differences,3,2299,0,0,2,2200,0,0,2`);
    expect(rows[2]).toBe(`${addDays(day, -1)},Not fetched,,,,,,,,,`);
  });

  it('refuses a page start the page links never make', async () => {
    for (const query of ['lines=-1', 'lines=x', 'differences=0', 'differences=1.5']) {
      expect((await admin.agent.get(`/admin/settlement/${day}?${query}`)).status).toBe(400);
    }
  });

  it('does not fetch a day that is not over, and refuses what is not a day', async () => {
    const today = taipeiDayOf(clock());
    const response = await fetchAgain(today);
    expect(response.status).toBe(303);
    const page = await admin.agent.get(`/admin/settlement/${today}`);
    expect(page.text).toContain('data-notice="admin.settlement.notOver"');
    expect(page.text).toContain('data-testid="not-fetched"');
    expect(await h.db.settlementDay.findUnique({ where: { day: today } })).toBeNull();
    expect((await admin.agent.get('/admin/settlement/20250231')).status).toBe(400);
    expect((await admin.agent.get('/admin/settlement/yesterday')).status).toBe(400);
  });

  it('is closed to anyone not signed in', async () => {
    for (const path of ['/admin/settlement', `/admin/settlement/${day}`, `/admin/settlement/${day}.csv`, '/admin/settlement.csv']) {
      const response = await request(h.app).get(path);
      expect(response.status).toBe(303);
      expect(response.headers.location).toMatch(/^\/admin\/login/);
    }
  });
});
