// After the payment: the fulfilment table and every move along it (and the ones it refuses), the
// "to ship" view and its navbar count, shipping one order and its e-mail (exactly once across two
// shop instances), the carrier's CSV row by row, and packing slips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { FULFILMENT_TRANSITIONS, cancellationOf, fulfilmentProblem } from '../../src/fulfilment/fulfilment-states';
import { drainMailOutbox } from '../../src/mail/deliver';
import { MAX_CSV_ROWS } from '../../src/fulfilment/shipment-csv';
import type { FulfilmentStatus, Order, OrderStatus } from '../../src/generated/prisma/client';
import type { MailCatcher } from 'sinopac-sandbox';
import { AdminBrowser, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { createOrder, createProduct } from '../support/shop-fixtures';

let h: AdminHarness;
let admin: AdminBrowser;
let catcher: MailCatcher;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
  catcher = await startCatcher();
});
afterAll(async () => {
  closeSenders();
  await catcher.close();
  await h.close();
});

async function order(fields: { status?: OrderStatus; fulfilmentStatus?: FulfilmentStatus; paidAt?: Date; locale?: string } = {}): Promise<Order> {
  const product = await createProduct(h.db, { priceTwd: 640, stock: 10 });
  const created = await createOrder(h.db, { lines: [{ product, quantity: 2 }], payType: 'card' });
  const status = fields.status ?? 'paid';
  return h.db.order.update({
    where: { id: created.id },
    data: {
      status,
      fulfilmentStatus: fields.fulfilmentStatus ?? 'unfulfilled',
      paidAt: fields.paidAt ?? (status === 'paid' ? new Date() : null),
      locale: fields.locale ?? 'zh-TW',
      recipientName: '林美玲', recipientPhone: '0922333444', postcode: '950', city: '臺東縣', district: '臺東市', street: '中華路一段 1 號',
    },
  });
}

const current = (o: Order) => h.db.order.findUniqueOrThrow({ where: { id: o.id }, include: { fulfilmentEvents: true } });
const trailOf = (subject: string) => h.db.merchantAction.findMany({ where: { subject }, orderBy: { id: 'asc' } });
const ship = (o: Order, fields: Record<string, string> = {}) => admin.post(`/admin/orders/${o.id}/ship`, { carrier: 'tcat', trackingNumber: '9012-3456-7890', ...fields });

describe('the fulfilment table', () => {
  it('lists exactly these moves, and refuses every other', () => {
    expect(FULFILMENT_TRANSITIONS).toEqual({ unfulfilled: ['shipped'], shipped: ['delivered', 'returned'], delivered: ['returned'], returned: [] });
    const paid = { status: 'paid' as const };
    expect(fulfilmentProblem({ ...paid, fulfilmentStatus: 'unfulfilled' }, 'delivered')).toBe('not_allowed');
    expect(fulfilmentProblem({ ...paid, fulfilmentStatus: 'shipped' }, 'shipped')).toBe('not_allowed');
    expect(fulfilmentProblem({ ...paid, fulfilmentStatus: 'returned' }, 'delivered')).toBe('not_allowed');
    expect(fulfilmentProblem({ ...paid, fulfilmentStatus: 'delivered' }, 'shipped')).toBe('not_allowed');
    for (const status of ['awaiting_payment', 'expired', 'cancelled', 'refunded'] as const) {
      expect(fulfilmentProblem({ status, fulfilmentStatus: 'unfulfilled' }, 'shipped')).toBe('not_paid');
    }
    expect(fulfilmentProblem({ status: 'partially_refunded', fulfilmentStatus: 'unfulfilled' }, 'shipped')).toBeUndefined();
  });

  it('says how each order is cancelled, or why not', () => {
    expect(cancellationOf({ status: 'awaiting_payment', fulfilmentStatus: 'unfulfilled' })).toBe('cancel');
    expect(cancellationOf({ status: 'expired', fulfilmentStatus: 'unfulfilled' })).toBe('cancel');
    expect(cancellationOf({ status: 'paid', fulfilmentStatus: 'unfulfilled' })).toBe('refund');
    expect(cancellationOf({ status: 'paid', fulfilmentStatus: 'shipped' })).toBe('shipped');
    expect(cancellationOf({ status: 'paid', fulfilmentStatus: 'delivered' })).toBe('shipped');
    expect(cancellationOf({ status: 'cancelled', fulfilmentStatus: 'unfulfilled' })).toBe('closed');
    expect(cancellationOf({ status: 'refunded', fulfilmentStatus: 'unfulfilled' })).toBe('closed');
  });
});

describe('moving a parcel from the order page', () => {
  it('ships a paid order with its carrier and tracking number, records who and when, and owes one e-mail', async () => {
    const o = await order();
    const response = await ship(o);
    expect(response.status).toBe(303);
    const after = await current(o);
    expect(after).toMatchObject({ fulfilmentStatus: 'shipped', carrier: 'tcat', trackingNumber: '9012-3456-7890', status: 'paid' });
    expect(after.shippedAt).toBeInstanceOf(Date);
    expect(after.fulfilmentEvents).toEqual([expect.objectContaining({ toStatus: 'shipped', actor: 'merchant' })]);
    expect(await h.db.mailOutbox.count({ where: { orderId: o.id, kind: 'order_shipped' } })).toBe(1);
    const [entry] = await trailOf(o.number);
    expect(entry).toMatchObject({ actor: 'merchant', action: 'shipment', details: { carrier: 'tcat', trackingNumber: '9012-3456-7890' } });
    expect(entry!.address).toMatch(/127\.0\.0\.1/);
    const page = await admin.agent.get(`/admin/orders/${o.id}`);
    expect(page.text).toContain('data-testid="fulfilment-tracking">9012-3456-7890');
    expect(page.text).toContain('data-testid="deliver"');
  });

  it('then delivered, then returned, each with its date and history', async () => {
    const o = await order();
    await ship(o);
    expect((await admin.post(`/admin/orders/${o.id}/deliver`)).status).toBe(303);
    expect((await current(o)).fulfilmentStatus).toBe('delivered');
    await admin.post(`/admin/orders/${o.id}/return`);
    const after = await current(o);
    expect(after.fulfilmentStatus).toBe('returned');
    expect(after.deliveredAt).toBeInstanceOf(Date);
    expect(after.returnedAt).toBeInstanceOf(Date);
    expect(after.fulfilmentEvents.map((event) => event.toStatus)).toEqual(['shipped', 'delivered', 'returned']);
    expect((await trailOf(o.number)).map((entry) => entry.action)).toEqual(['shipment', 'delivery', 'return']);
  });

  it('a shipped order may come back without being marked delivered', async () => {
    const o = await order();
    await ship(o);
    await admin.post(`/admin/orders/${o.id}/return`);
    expect((await current(o)).fulfilmentStatus).toBe('returned');
  });

  it('refuses to ship an unpaid order, and says why', async () => {
    const o = await order({ status: 'awaiting_payment' });
    const response = await ship(o);
    expect(response.status).toBe(303);
    expect((await current(o)).fulfilmentStatus).toBe('unfulfilled');
    expect(await h.db.mailOutbox.count({ where: { orderId: o.id } })).toBe(0);
    const page = await admin.agent.get(`/admin/orders/${o.id}`);
    expect(page.text).toContain('data-notice="admin.fulfilment.refused.not_paid"');
    expect(await trailOf(o.number)).toEqual([]);
  });

  it('refuses to ship a shipped order again, keeping the first tracking number', async () => {
    const o = await order();
    await ship(o);
    await ship(o, { trackingNumber: 'SECOND-1234' });
    expect((await current(o)).trackingNumber).toBe('9012-3456-7890');
    expect(await h.db.mailOutbox.count({ where: { orderId: o.id } })).toBe(1);
  });

  it('refuses delivered before shipped, and anything after returned', async () => {
    const o = await order();
    await admin.post(`/admin/orders/${o.id}/deliver`);
    expect((await current(o)).fulfilmentStatus).toBe('unfulfilled');
    const back = await order({ fulfilmentStatus: 'returned' });
    await admin.post(`/admin/orders/${back.id}/deliver`);
    await ship(back);
    expect((await current(back)).fulfilmentStatus).toBe('returned');
  });

  it('sends the form back with what to correct and the values kept', async () => {
    const o = await order();
    const bad = await ship(o, { carrier: 'other', carrierName: '', trackingNumber: 'no spaces allowed' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="no spaces allowed"');
    expect(bad.text).toContain('id="carrierName-error"');
    expect(bad.text).toContain('id="trackingNumber-error"');
    expect((await ship(o, { carrier: 'pigeon' })).status).toBe(422);
    expect((await current(o)).fulfilmentStatus).toBe('unfulfilled');
    const other = await ship(o, { carrier: 'other', carrierName: '嘉里大榮', trackingNumber: 'KE-778899' });
    expect(other.status).toBe(303);
    expect(await current(o)).toMatchObject({ carrier: 'other', carrierName: '嘉里大榮', trackingNumber: 'KE-778899' });
  });

  it('needs CSRF and a sign-in', async () => {
    const o = await order();
    expect((await admin.agent.post(`/admin/orders/${o.id}/ship`).type('form').send({ carrier: 'tcat', trackingNumber: '12345678' })).status).toBe(403);
    const stranger = new AdminBrowser(h.app);
    expect((await stranger.post(`/admin/orders/${o.id}/ship`, { carrier: 'tcat', trackingNumber: '12345678' })).headers.location).toBe('/admin/login');
    expect((await current(o)).fulfilmentStatus).toBe('unfulfilled');
  });
});

describe('the "to ship" view', () => {
  it('is the default: paid and not shipped, the longest waiting first, counted in the navbar', async () => {
    const older = await order({ paidAt: new Date('2026-01-02T01:00:00Z') });
    const oldest = await order({ paidAt: new Date('2026-01-01T01:00:00Z') });
    const unpaid = await order({ status: 'awaiting_payment' });
    const shipped = await order({ fulfilmentStatus: 'shipped' });
    const page = await admin.agent.get('/admin/orders');
    const numbers = [...page.text.matchAll(/data-testid="admin-order-row" data-order-number="([^"]+)"/g)].map((m) => m[1]);
    expect(numbers.indexOf(oldest.number)).toBeGreaterThanOrEqual(0);
    expect(numbers.indexOf(oldest.number)).toBeLessThan(numbers.indexOf(older.number));
    expect(numbers).not.toContain(unpaid.number);
    expect(numbers).not.toContain(shipped.number);
    const toShip = await h.db.order.count({ where: { status: { in: ['paid', 'partially_refunded'] }, fulfilmentStatus: 'unfulfilled' } });
    expect(page.text).toContain(`data-testid="nav-to-ship-count">${toShip}<`);
    const all = await admin.agent.get('/admin/orders').query({ view: 'all' });
    expect(all.text).toContain(unpaid.number);
  });

  it('filters by fulfilment status', async () => {
    const shipped = await order({ fulfilmentStatus: 'shipped' });
    const page = await admin.agent.get('/admin/orders').query({ fulfilment: 'shipped', q: shipped.number });
    expect(page.text).toContain(`data-order-number="${shipped.number}"`);
    expect((await admin.agent.get('/admin/orders').query({ fulfilment: 'lost' })).status).toBe(400);
  });
});

describe('the "on its way" e-mail', () => {
  it('is sent exactly once when two shop instances ship the same order at the same moment and both drain the outbox', async () => {
    const o = await order({ locale: 'en' });
    const second = await signedIn(await h.anotherInstance());
    const answers = await Promise.all([ship(o), second.post(`/admin/orders/${o.id}/ship`, { carrier: 'tcat', trackingNumber: 'OTHER-0001' })]);
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    expect((await current(o)).fulfilmentEvents).toHaveLength(1);
    expect(await h.db.merchantAction.count({ where: { subject: o.number, action: 'shipment' } })).toBe(1);

    const drains = [deliveryDeps(h.db, { catcher }), deliveryDeps(h.db, { catcher })];
    await Promise.all(drains.map((deps) => drainMailOutbox(deps)));
    await Promise.all(drains.map((deps) => drainMailOutbox(deps)));
    const mails = catcher.mails().filter((mail) => mail.subject.includes(o.number));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe(`Fengshou Shop: order ${o.number} is on its way`);
    const tracking = (await current(o)).trackingNumber!;
    expect(mail!.text).toContain(tracking);
    expect(mail!.text).toContain(`https://www.t-cat.com.tw/Inquire/TraceDetail.aspx?BillID=${tracking}`);
  });

  it('is in zh-TW for an order placed in zh-TW, without a link for a carrier that offers none', async () => {
    const o = await order({ locale: 'zh-TW' });
    await ship(o, { carrier: 'hct', trackingNumber: '5566778899' });
    await drainMailOutbox(deliveryDeps(h.db, { catcher }));
    const [mail] = catcher.mails().filter((m) => m.subject.includes(o.number));
    expect(mail!.subject).toBe(`【豐收商店】訂單 ${o.number} 已出貨`);
    expect(mail!.text).toContain('新竹物流');
    expect(mail!.text).toContain('5566778899');
    expect(mail!.text).not.toContain('查詢貨件');
  });
});

describe('the carrier CSV', () => {
  const upload = async (csv: string, name = 'tcat-export.csv') => {
    const _csrf = await admin.csrfToken();
    return admin.agent.post('/admin/shipments/upload').field('_csrf', _csrf).attach('csv', Buffer.from(csv, 'utf8'), { filename: name, contentType: 'text/csv' });
  };
  const rows = (html: string) => [...html.matchAll(/data-testid="shipment-row" data-line="(\d+)" data-outcome="([a-z_]+)"/g)].map((m) => [Number(m[1]), m[2]]);

  it('applies the good rows and refuses each bad one with its reason', async () => {
    const a = await order();
    const b = await order({ locale: 'en' });
    const unpaid = await order({ status: 'awaiting_payment' });
    const shipped = await order({ fulfilmentStatus: 'shipped' });
    const csv = [
      '\uFEFF訂單編號,貨運公司,追蹤編號',
      `${a.number},黑貓宅急便,111122223333`,
      `${b.number.toLowerCase()},新竹物流,4444555566`,
      `${a.number},黑貓宅急便,999988887777`,
      `${unpaid.number},宅配通,123412341234`,
      `${shipped.number},中華郵政,5678567856785678`,
      'FS20260101NOSUCH1,黑貓宅急便,111111111111',
      `${a.number},黑貓宅急便`,
      `${b.number},郵局,bad tracking!`,
      '"quoted, with comma",x,123456',
    ].join('\r\n');
    const response = await upload(csv);
    expect(response.status).toBe(200);
    expect(rows(response.text)).toEqual([
      [2, 'applied'], [3, 'applied'], [4, 'duplicate'], [5, 'not_paid'], [6, 'not_allowed'],
      [7, 'unknown_order'], [8, 'bad_row'], [9, 'bad_tracking'], [10, 'bad_row'],
    ]);
    expect(response.text).toContain('data-applied="2" data-refused="7"');
    expect(await current(a)).toMatchObject({ fulfilmentStatus: 'shipped', carrier: 'tcat', trackingNumber: '111122223333' });
    expect(await current(b)).toMatchObject({ fulfilmentStatus: 'shipped', carrier: 'hct', trackingNumber: '4444555566' });
    expect((await current(unpaid)).fulfilmentStatus).toBe('unfulfilled');
    expect(await h.db.mailOutbox.count({ where: { orderId: { in: [a.id, b.id] }, kind: 'order_shipped' } })).toBe(2);
    expect(await h.db.mailOutbox.count({ where: { orderId: { in: [unpaid.id, shipped.id] } } })).toBe(0);

    // The same file again applies nothing twice.
    const again = await upload(csv);
    expect(rows(again.text).slice(0, 2)).toEqual([[2, 'not_allowed'], [3, 'not_allowed']]);
    expect(await h.db.mailOutbox.count({ where: { orderId: { in: [a.id, b.id] }, kind: 'order_shipped' } })).toBe(2);
  });

  it('names an "other" carrier as written, and takes a file without a heading', async () => {
    const o = await order();
    const response = await upload(`${o.number},嘉里大榮物流,KERRY-1234\n`);
    expect(rows(response.text)).toEqual([[1, 'applied']]);
    expect(await current(o)).toMatchObject({ carrier: 'other', carrierName: '嘉里大榮物流' });
  });

  it('answers a missing or unreadable file with the form and what went wrong, never a 500', async () => {
    const _csrf = await admin.csrfToken();
    const none = await admin.agent.post('/admin/shipments/upload').field('_csrf', _csrf);
    expect(none.status).toBe(422);
    expect(none.text).toContain('data-testid="upload-problem"');
    const broken = await upload('"unterminated,quote\n');
    expect(broken.status).toBe(422);
    expect(broken.text).toContain('data-testid="shipments-upload"');
  });

  it('refuses a file of more rows than a day\'s parcels as a whole, applying none', async () => {
    const o = await order();
    const lines = [`${o.number},tcat,12345678`, ...Array.from({ length: MAX_CSV_ROWS }, (_, i) => `FS2026X${i},tcat,12345678`)];
    const response = await upload(lines.join('\n'));
    expect(response.status).toBe(422);
    expect(response.text).toContain(`more than ${MAX_CSV_ROWS} rows`);
    expect((await current(o)).fulfilmentStatus).toBe('unfulfilled');
  });

  it('needs the CSRF token in the upload', async () => {
    const o = await order();
    const response = await admin.agent.post('/admin/shipments/upload').attach('csv', Buffer.from(`${o.number},tcat,12345678`), 'x.csv');
    expect(response.status).toBe(403);
    expect((await current(o)).fulfilmentStatus).toBe('unfulfilled');
  });
});

describe('packing slips', () => {
  it('prints one order with its items, quantities, recipient, address and a QR code of its number', async () => {
    const o = await order();
    const page = await admin.agent.get(`/admin/orders/${o.id}/slip`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-order-number="${o.number}"`);
    expect(page.text).toContain('林美玲');
    expect(page.text).toContain('臺東縣臺東市中華路一段 1 號');
    expect(page.text).toMatch(/data-testid="slip-qr">\s*<svg[^>]*>/);
    expect(page.text).toContain('data-testid="slip-total"');
    expect(page.text).toContain('href="/static/css/packing-slip.css"');
    expect((await request(h.app).get('/static/css/packing-slip.css')).text).toContain('size: A4');
  });

  it('prints a selection, in the order picked, with prices hidden on request', async () => {
    const [a, b] = [await order(), await order()];
    const page = await admin.agent.get(`/admin/slips?id=${b.id}&id=${a.id}&prices=hide`);
    expect(page.status).toBe(200);
    const numbers = [...page.text.matchAll(/data-testid="packing-slip" data-order-number="([^"]+)"/g)].map((m) => m[1]);
    expect(numbers).toEqual([b.number, a.number]);
    expect(page.text).not.toContain('data-testid="slip-total"');
    expect(page.text).not.toContain('NT$');
    expect((await admin.agent.get('/admin/slips?id=not-a-uuid')).status).toBe(400);
    expect((await admin.agent.get('/admin/slips')).status).toBe(400);
  });
});
