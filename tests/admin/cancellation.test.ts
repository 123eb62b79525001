// Cancelling: the merchant cancels an unpaid order (stock back, shopper told), a paid one only by
// refunding it in full through the refund form, a shipped one not at all; the shopper cancels their
// own unpaid order from its page; money that arrives on a cancelled order leaves it consistent and
// on the attention list; the order pages show the parcel's progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../src/generated/prisma/client';
import { deliverReturn, hiddenField, payAtBank, paidCardAttempt, signedIn, startAdminHarness, type AdminBrowser, type AdminHarness } from '../support/admin-harness';
import { Shopper } from '../support/shop-app';
import { createOrder, createProduct } from '../support/shop-fixtures';
import { startedAttempt } from '../support/started-attempt';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

/** An unpaid order that holds its stock, with a card attempt open at the sandbox. */
async function unpaidOrder(stock = 5): Promise<{ order: Order; product: Product }> {
  const product = await createProduct(h.db, { priceTwd: 700, stock });
  const order = await createOrder(h.db, { lines: [{ product, quantity: 2 }], payType: 'card', reserve: true });
  await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'card' });
  return { order, product };
}

const stockOf = async (product: Product) => (await h.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;
const reload = (order: Order) => h.db.order.findUniqueOrThrow({ where: { id: order.id }, include: { fulfilmentEvents: true, payments: true } });
const noticeOn = async (order: Order) => /data-notice="([^"]+)"/.exec((await admin.agent.get(`/admin/orders/${order.id}`)).text)?.[1];

describe('the merchant cancels', () => {
  it('an unpaid order: it is closed, its stock comes back, the shopper is told, the trail says who', async () => {
    const { order, product } = await unpaidOrder();
    expect(await stockOf(product)).toBe(3);
    const response = await admin.post(`/admin/orders/${order.id}/cancel`);
    expect(response.status).toBe(303);
    const after = await reload(order);
    expect(after.status).toBe('cancelled');
    expect(after.cancelledAt).toBeInstanceOf(Date);
    expect(after.fulfilmentEvents).toEqual([expect.objectContaining({ toStatus: 'cancelled', actor: 'merchant' })]);
    expect(await stockOf(product)).toBe(5);
    expect(await h.db.mailOutbox.count({ where: { orderId: order.id, kind: 'order_cancelled' } })).toBe(1);
    expect(await h.db.merchantAction.count({ where: { subject: order.number, action: 'cancellation', actor: 'merchant' } })).toBe(1);
    expect(await noticeOn(order)).toBe('admin.orderCancel.done');
  });

  it('twice: the second is refused and gives no stock back', async () => {
    const { order, product } = await unpaidOrder();
    await admin.post(`/admin/orders/${order.id}/cancel`);
    await admin.post(`/admin/orders/${order.id}/cancel`);
    expect(await stockOf(product)).toBe(5);
    expect(await noticeOn(order)).toBe('admin.orderCancel.refused.closed');
    expect(await h.db.merchantAction.count({ where: { subject: order.number, action: 'cancellation' } })).toBe(1);
  });

  it('an expired order, whose stock was already given back, without giving it back again', async () => {
    const product = await createProduct(h.db, { priceTwd: 700, stock: 4 });
    const created = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const order = await h.db.order.update({ where: { id: created.id }, data: { status: 'expired' } });
    await admin.post(`/admin/orders/${order.id}/cancel`);
    expect((await reload(order)).status).toBe('cancelled');
    expect(await stockOf(product)).toBe(4);
  });

  it('a paid order only by refunding it in full, through the refund form', async () => {
    const { order, payment } = await paidCardAttempt(h, 900);
    const response = await admin.post(`/admin/orders/${order.id}/cancel`);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/admin/payments/${payment.id}/refund`);
    expect((await reload(order)).status).toBe('paid');
    const form = await admin.agent.get(response.headers.location!);
    // The whole amount, already filled in.
    expect(form.text).toContain(`name="amountTwd" inputmode="numeric" value="${order.totalTwd}"`);
    const refunded = await admin.agent.post(`/admin/payments/${payment.id}/refunds`).type('form').send({
      _csrf: hiddenField(form.text, '_csrf'), kind: 'refund', amountTwd: String(order.totalTwd), idempotencyKey: hiddenField(form.text, 'idempotencyKey'),
    });
    expect(refunded.status).toBe(303);
    expect((await reload(order)).status).toBe('refunded');
  });

  it('never a shipped order', async () => {
    const { order } = await paidCardAttempt(h, 900);
    await admin.post(`/admin/orders/${order.id}/ship`, { carrier: 'post', trackingNumber: '12345678901234' });
    const response = await admin.post(`/admin/orders/${order.id}/cancel`);
    expect(response.headers.location).toBe(`/admin/orders/${order.id}`);
    expect(await noticeOn(order)).toBe('admin.orderCancel.refused.shipped');
    expect(await reload(order)).toMatchObject({ status: 'paid', fulfilmentStatus: 'shipped' });
    expect(await h.db.refund.count({ where: { payment: { orderId: order.id } } })).toBe(0);
  });
});

describe('money that arrives after the order was cancelled', () => {
  it('pays the attempt, leaves the order cancelled without taking stock, and is listed for a refund', async () => {
    const { order, product } = await unpaidOrder();
    await admin.post(`/admin/orders/${order.id}/cancel`);
    const [attempt] = (await reload(order)).payments;
    // The bank could not be told to close the card link: the shopper pays on it anyway.
    await deliverReturn(h, payAtBank(h, attempt!));
    const after = await reload(order);
    expect(after.status).toBe('cancelled');
    expect(after.payments[0]!.status).toBe('paid');
    expect(await stockOf(product)).toBe(5);
    const attention = await admin.agent.get('/admin/payments/attention');
    expect(attention.text).toContain(`data-testid="paid-on-cancelled-attempt" data-order-no="${attempt!.orderNo}"`);
    expect(attention.text).toMatch(/data-testid="nav-attention-count"[^>]*>[1-9]/);
    // Refundable from the order page like any paid card attempt.
    expect((await admin.agent.get(`/admin/orders/${order.id}`)).text).toContain(`href="/admin/payments/${attempt!.id}/refund"`);
  });
});

describe('the shopper', () => {
  async function shopperWithOrder() {
    const shopper = new Shopper(h.app);
    const product = await h.db.product.findFirstOrThrow({ where: { status: 'active', stock: { gt: 5 } } });
    await shopper.addToCart(product.id, 1);
    const placed = await shopper.checkout({ payType: 'atm' });
    expect(placed.status).toBe(303);
    const order = await h.db.order.findFirstOrThrow({ where: { lines: { some: { productId: product.id } } }, orderBy: { createdAt: 'desc' } });
    return { shopper, order, product };
  }

  it('cancels their own unpaid order from its page; the stock comes back', async () => {
    const { shopper, order, product } = await shopperWithOrder();
    const before = await stockOf(product);
    const page = await shopper.agent.get(`/orders/${order.id}`);
    expect(page.text).toContain('data-testid="shopper-cancel"');
    const response = await shopper.post(`/orders/${order.id}/cancel`);
    expect(response.status).toBe(303);
    expect((await reload(order)).status).toBe('cancelled');
    expect(await stockOf(product)).toBe(before + 1);
    expect(await h.db.mailOutbox.count({ where: { orderId: order.id, kind: 'order_cancelled' } })).toBe(1);
    const fulfilment = (await reload(order)).fulfilmentEvents;
    expect(fulfilment).toEqual([expect.objectContaining({ toStatus: 'cancelled', actor: 'shopper' })]);
    // Not a back-office action.
    expect(await h.db.merchantAction.count({ where: { subject: order.number } })).toBe(0);
    const after = await shopper.agent.get(`/orders/${order.id}`);
    expect(after.text).not.toContain('data-testid="shopper-cancel"');
    expect((await shopper.post(`/orders/${order.id}/cancel`)).status).toBe(409);
  });

  it('cannot cancel another shopper\'s order, nor without the CSRF token', async () => {
    const { shopper, order } = await shopperWithOrder();
    const stranger = new Shopper(h.app);
    expect((await stranger.post(`/orders/${order.id}/cancel`)).status).toBe(404);
    expect((await shopper.agent.post(`/orders/${order.id}/cancel`).type('form').send({})).status).toBe(403);
    expect((await reload(order)).status).toBe('awaiting_payment');
  });

  it('cannot cancel a paid order, and is not offered to', async () => {
    const { shopper, order } = await shopperWithOrder();
    await h.db.order.update({ where: { id: order.id }, data: { status: 'paid', paidAt: new Date() } });
    expect((await shopper.agent.get(`/orders/${order.id}`)).text).not.toContain('data-testid="shopper-cancel"');
    expect((await shopper.post(`/orders/${order.id}/cancel`)).status).toBe(409);
    expect((await reload(order)).status).toBe('paid');
  });

  it('sees the parcel on the order page and in "My orders": status, dates, carrier and tracking link', async () => {
    const { shopper, order } = await shopperWithOrder();
    await h.db.order.update({ where: { id: order.id }, data: { status: 'paid', paidAt: new Date() } });
    const waiting = await shopper.agent.get(`/orders/${order.id}`);
    expect(waiting.text).toContain('data-testid="order-fulfilment">待出貨<');
    await admin.post(`/admin/orders/${order.id}/ship`, { carrier: 'tcat', trackingNumber: '660011223344' });
    const shipped = await shopper.agent.get(`/orders/${order.id}`);
    expect(shipped.text).toContain('data-testid="order-fulfilment">已出貨<');
    expect(shipped.text).toContain('data-testid="order-shipped-at"');
    expect(shipped.text).toContain('data-testid="order-carrier">黑貓宅急便<');
    expect(shipped.text).toContain('href="https://www.t-cat.com.tw/Inquire/TraceDetail.aspx?BillID=660011223344"');
    const list = await shopper.agent.get('/orders').query({ lang: 'en' });
    const card = list.text.split('data-testid="order-card"').find((part) => part.includes(order.number))!;
    expect(card).toContain('data-testid="order-tracking">660011223344<');
    expect(card).toContain('data-testid="order-tracking-link"');
  });
});
