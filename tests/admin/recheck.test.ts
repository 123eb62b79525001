// "Re-check with bank": OrderQuery against the sandbox, settled through applyBankResult.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardAttempt, payAtBank, signedIn, startAdminHarness, type AdminBrowser, type AdminHarness } from '../support/admin-harness';
import { createOrder, createPayment, createProduct } from '../support/shop-fixtures';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

async function recheck(paymentId: string, orderId: string): Promise<string> {
  const response = await admin.post(`/admin/payments/${paymentId}/recheck`);
  expect(response.status).toBe(303);
  expect(response.headers.location).toBe(`/admin/orders/${orderId}`);
  const page = await admin.agent.get(`${response.headers.location}?lang=en`);
  return /data-notice="([^"]+)">\s*([^<]*?)\s*</.exec(page.text)?.slice(1).join(' | ') ?? 'no notice';
}

describe('re-checking an attempt with the bank', () => {
  it('settles a card payment whose notifications were all lost, once', async () => {
    const { order, payment } = await cardAttempt(h);
    payAtBank(h, payment); // the sandbox's notification goes to a closed port
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('pending');

    expect(await recheck(payment.id, order.id)).toBe('admin.recheck.applied | Bank status: Card: captured. The attempt is now &quot;Paid&quot;.');

    const after = await h.db.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { order: true, events: { orderBy: { id: 'asc' } } } });
    expect(after.status).toBe('paid');
    expect(after.cardLast4).toBe('3145');
    expect(after.payDate).toBeInstanceOf(Date);
    expect(after.order.status).toBe('paid');
    expect(after.events.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'paid', applied: true, reason: 'paid (admin)' });

    expect(await recheck(payment.id, order.id)).toBe('admin.recheck.nothingNew | Bank status: Card: captured. Nothing to change.');
    expect(await h.db.paymentEvent.count({ where: { paymentId: payment.id } })).toBe(after.events.length);
    await h.audit.flush();
    expect(await h.db.gatewayExchange.count({ where: { orderNo: payment.orderNo, service: 'OrderQuery' } })).toBe(2);
  });

  it('marks an attempt expired when the bank says its card link expired', async () => {
    const { order, payment } = await cardAttempt(h);
    h.sandbox.sandbox.control.expire({ orderNo: payment.orderNo });

    expect(await recheck(payment.id, order.id)).toBe('admin.recheck.applied | Bank status: Card: payment link expired. The attempt is now &quot;Expired&quot;.');
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('expired');
  });

  it('changes nothing while the bank still waits for the shopper', async () => {
    const { order, payment } = await cardAttempt(h);

    expect(await recheck(payment.id, order.id)).toBe('admin.recheck.nothingNew | Bank status: Card: awaiting payment. Nothing to change.');
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('pending');
  });

  it('records, and does not apply, an answer that names another amount', async () => {
    const { order, payment } = await cardAttempt(h);
    payAtBank(h, payment);
    h.sandbox.sandbox.control.setOrderFaults({ orderNo: payment.orderNo }, { wrongAmount: 100 });

    expect(await recheck(payment.id, order.id)).toMatch(/^admin\.recheck\.mismatch \| .*Amount 150100 is not 150000/);
    const after = await h.db.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { events: true } });
    expect(after.status).toBe('pending');
    expect(after.events.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'paid', applied: false });
    expect(after.events.at(-1)?.reason).toMatch(/^mismatch: Amount 150100 is not 150000 \(admin re-check\)$/);
  });

  it('says so when the bank has no such order', async () => {
    const product = await createProduct(h.db, { priceTwd: 300, stock: 1 });
    const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const payment = await createPayment(h.db, order, 'create_failed');

    expect(await recheck(payment.id, order.id)).toBe('admin.recheck.notAtBank | The bank has no order with this number.');
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('create_failed');
  });

  it('answers 404 for an attempt that does not exist', async () => {
    expect((await admin.post('/admin/payments/3e9c1d1a-0000-4000-8000-000000000000/recheck')).status).toBe(404);
  });
});

describe('attempts needing attention', () => {
  it('are listed with the bank’s last answer, and flagged on their order’s page, until they are decided', async () => {
    const product = await createProduct(h.db, { priceTwd: 500, stock: 5 });
    const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const stuck = await createPayment(h.db, order, 'pending');
    const healthy = await createPayment(h.db, await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' }), 'pending');
    await h.db.payment.update({ where: { id: stuck.id }, data: { bankCheckFailures: 5, lastBankError: 'E9999 – 系統忙碌', nextBankCheckAt: new Date() } });
    await h.db.payment.update({ where: { id: healthy.id }, data: { bankCheckFailures: 1, lastBankError: 'E9999 – 系統忙碌' } });

    const list = await admin.agent.get('/admin/payments/attention?lang=en');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`data-order-no="${stuck.orderNo}"`);
    expect(list.text).toContain('E9999 – 系統忙碌');
    expect(list.text).not.toContain(`data-order-no="${healthy.orderNo}"`);
    const orderPage = await admin.agent.get(`/admin/orders/${order.id}?lang=en`);
    expect(orderPage.text).toContain('data-testid="needs-attention"');

    const review = await h.db.refund.create({
      data: { paymentId: healthy.id, kind: 'refund', amount: 10_000, idempotencyKey: crypto.randomUUID(), createdBy: 'merchant', status: 'needs_review', bankDescription: 'the bank answered Amount 50000 for a refund of 10000' },
    });
    expect((await admin.agent.get('/admin/payments/attention')).text).toContain(`data-refund-id="${review.id}"`);

    await h.db.payment.update({ where: { id: stuck.id }, data: { status: 'expired' } });
    expect((await admin.agent.get('/admin/payments/attention')).text).not.toContain(`data-order-no="${stuck.orderNo}"`);
  });
});
