// After a refund the shopper is told: one e-mail per refund (amount, date, method), the order page
// and the result page list what was refunded and when (and the result page does not say the
// order will ship), and the back office's order page shows the merchant's reason.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainMailOutbox } from '../../src/mail/deliver';
import { createOrderLinks } from '../../src/orders/order-link';
import type { MailCatcher } from 'sinopac-sandbox';
import { hiddenField, paidCardAttempt, signedIn, startAdminHarness, type AdminBrowser, type AdminHarness } from '../support/admin-harness';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';

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

async function refund(paymentId: string, amountTwd: number, remark: string) {
  const form = await admin.agent.get(`/admin/payments/${paymentId}/refund`);
  const reviewed = await admin.agent.post(`/admin/payments/${paymentId}/refund/review`).type('form').send({
    _csrf: hiddenField(form.text, '_csrf'), kind: 'refund', idempotencyKey: hiddenField(form.text, 'idempotencyKey'), amountTwd, remark,
  });
  const fields: Record<string, string> = {};
  for (const name of ['_csrf', 'kind', 'idempotencyKey', 'amountTwd', 'remark']) fields[name] = hiddenField(reviewed.text, name);
  const action = /<form method="post" action="(\/admin\/payments\/[^"]+\/refunds)"/.exec(reviewed.text)![1]!;
  expect((await admin.agent.post(action).type('form').send(fields)).status).toBeLessThan(400);
}

/** The shopper's browser, let in by the order's e-mail link. */
async function shopperBrowser(orderId: string) {
  const agent = request.agent(h.app);
  const link = createOrderLinks('admin-harness-secret', () => new Date()).pathFor(orderId);
  const page = await agent.get(link);
  const url = new URL(link, 'http://shop');
  const opened = await agent.post(url.pathname).type('form')
    .send({ _csrf: hiddenField(page.text, '_csrf'), until: url.searchParams.get('until'), sig: url.searchParams.get('sig') });
  expect(opened.status).toBe(303);
  return agent;
}

describe('a refund', () => {
  it('is mailed once per refund and shown on the order, result and back-office pages', async () => {
    const { order, payment } = await paidCardAttempt(h, 1_500);
    await refund(payment.id, 500, '少寄一盒');
    const shopper = await shopperBrowser(order.id);

    const partly = await shopper.get(`/orders/${order.id}/result`);
    expect(partly.text).toContain('data-testid="result-refunded"');
    expect(partly.text).toContain('有部分款項已退還');
    expect(partly.text).not.toContain('我們會盡快為您出貨');

    await refund(payment.id, 1_000, '整筆取消');
    const page = await shopper.get(`/orders/${order.id}`);
    const amounts = [...page.text.matchAll(/data-testid="refund-amount">([^<]+)</g)].map((m) => m[1]);
    expect(amounts).toEqual(['NT$500', 'NT$1,000']);
    expect(page.text).toMatch(/\d{2}:\d{2} 退回到信用卡/);
    const result = await shopper.get(`/orders/${order.id}/result?lang=en`);
    expect(result.text).toContain('The whole payment for this order has been refunded to you.');
    expect(result.text).not.toContain('We will ship it soon');
    expect(result.text).toContain('data-testid="refund-amount">NT$1,000<');

    const back = await admin.agent.get(`/admin/orders/${order.id}`);
    const reasons = [...back.text.matchAll(/data-testid="refund-reason">([^<]*)</g)].map((m) => m[1]);
    expect(reasons).toEqual(['少寄一盒', '整筆取消']);

    // Each refund's mail, once, however often the outbox is drained.
    expect(await h.db.mailOutbox.count({ where: { orderId: order.id, kind: 'payment_refunded' } })).toBe(2);
    await drainMailOutbox(deliveryDeps(h.db, { catcher }));
    await drainMailOutbox(deliveryDeps(h.db, { catcher }));
    const mails = catcher.mails().filter((mail) => mail.subject === `【豐收商店】訂單 ${order.number} 已退款`);
    expect(mails).toHaveLength(2);
    const texts = mails.map((mail) => mail.text).sort();
    expect(texts.some((text) => text.includes('退款金額: NT$500') && text.includes('這是部分退款'))).toBe(true);
    expect(texts.some((text) => text.includes('退款金額: NT$1,000'))).toBe(true);
    for (const mail of mails) {
      expect(mail.text).toContain('退回到: 信用卡');
      expect(mail.text).toMatch(/退款時間: .*\d{2}:\d{2}/);
      expect(mail.html).toContain('信用卡');
    }
  });
});
