// A refund in needs_review closed by the merchant with what the bank's own back office shows:
// succeeded (booked once, for the amount shown, through settle) or failed (its amount released),
// each in the trail; bad input gets the form back; nothing is sent to the bank.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../src/generated/prisma/client';
import { paidCardAttempt, signedIn, startAdminHarness, type AdminBrowser, type AdminHarness } from '../support/admin-harness';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

/** A paid card attempt with a refund the shop could not square with the bank's answer. */
async function refundInReview(amount = 50_000): Promise<{ payment: Payment; refundId: string; orderId: string }> {
  const { order, payment } = await paidCardAttempt(h, 1_000);
  const refund = await h.db.refund.create({
    data: { paymentId: payment.id, kind: 'refund', amount, idempotencyKey: randomUUID(), status: 'needs_review', createdBy: 'merchant', bankDescription: 'the bank answered Amount 40000 for a refund of 50000' },
  });
  return { payment, refundId: refund.id, orderId: order.id };
}

const maintainCalls = (payment: Payment) => h.db.gatewayExchange.count({ where: { orderNo: payment.orderNo, service: 'OrderMaintain' } });

describe('closing a refund in needs_review', () => {
  it('is offered on the attention list', async () => {
    const { refundId } = await refundInReview();
    const page = await admin.agent.get('/admin/payments/attention');
    expect(page.text).toContain(`href="/admin/refunds/${refundId}/review"`);
    const form = await admin.agent.get(`/admin/refunds/${refundId}/review`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('data-testid="refund-review-form"');
  });

  it('as succeeded books the amount the bank shows, once, and the trail says who', async () => {
    const { payment, refundId, orderId } = await refundInReview();
    const response = await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'succeeded', amountTwd: '400' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/admin/orders/${orderId}`);
    expect(await h.db.refund.findUniqueOrThrow({ where: { id: refundId } })).toMatchObject({ status: 'succeeded', amount: 40_000 });
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedAmount).toBe(40_000);
    expect((await h.db.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('partially_refunded');
    const again = await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'succeeded', amountTwd: '400' });
    expect(again.status).toBe(422);
    expect(again.text).toContain('data-problem="not_in_review"');
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedAmount).toBe(40_000);
    const trail = await h.db.merchantAction.findMany({ where: { action: 'refund_review', subject: payment.orderNo } });
    expect(trail).toEqual([expect.objectContaining({ actor: 'merchant', details: { refundId, outcome: 'succeeded', amount: 40_000 } })]);
    expect(await maintainCalls(payment)).toBe(0);
  });

  it('as succeeded for the whole payment (typed in full-width digits) refunds the attempt and the order', async () => {
    const { payment, refundId, orderId } = await refundInReview(100_000);
    await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'succeeded', amountTwd: '１，０００' });
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('refunded');
    expect((await h.db.order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe('refunded');
  });

  it('as failed releases the amount held back, books nothing', async () => {
    const { payment, refundId } = await refundInReview();
    const response = await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'failed' });
    expect(response.status).toBe(303);
    expect((await h.db.refund.findUniqueOrThrow({ where: { id: refundId } })).status).toBe('failed');
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedAmount).toBe(0);
    const orderPage = await admin.agent.get(response.headers.location!);
    expect(orderPage.text).toContain(`href="/admin/payments/${payment.id}/refund"`);
    expect(await h.db.merchantAction.count({ where: { action: 'refund_review', subject: payment.orderNo, details: { equals: { refundId, outcome: 'failed' } } } })).toBe(1);
  });

  it('refuses a missing or impossible amount with the form back, and changes nothing', async () => {
    const { payment, refundId } = await refundInReview();
    for (const amountTwd of ['', '0', '12.5', 'abc']) {
      const response = await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'succeeded', amountTwd });
      expect(response.status).toBe(422);
      expect(response.text).toContain('data-problem="amount"');
      expect(response.text).toContain(`value="${amountTwd}"`);
    }
    const tooMuch = await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'succeeded', amountTwd: '5000' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.text).toContain('data-problem="refused"');
    expect((await h.db.refund.findUniqueOrThrow({ where: { id: refundId } })).status).toBe('needs_review');
    expect((await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).refundedAmount).toBe(0);
    expect((await admin.post(`/admin/refunds/${refundId}/review`, { outcome: 'maybe' })).status).toBe(400);
    expect((await admin.agent.post(`/admin/refunds/${refundId}/review`).type('form').send({ outcome: 'failed' })).status).toBe(403);
    expect((await admin.agent.get(`/admin/refunds/${randomUUID()}/review`)).status).toBe(404);
  });
});
