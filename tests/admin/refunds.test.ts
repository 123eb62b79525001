// Refunds and cancelled authorisations through OrderMaintain against the sandbox: the form, the
// confirmation, the refund itself, and what the shop, the bank and the shopper then see.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../src/generated/prisma/client';
import {
  authorisedCardAttempt,
  cardAttempt,
  deliverReturn,
  hiddenField,
  paidCardAttempt,
  payAtBank,
  signedIn,
  startAdminHarness,
  type AdminBrowser,
  type AdminHarness,
} from '../support/admin-harness';
import { Shopper } from '../support/shop-app';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

const bankRefunds = (payment: Payment) => h.sandbox.sandbox.control.order({ orderNo: payment.orderNo }).refunds.map((r) => r.amount);
const reload = (payment: Payment) => h.db.payment.findUniqueOrThrow({ where: { id: payment.id }, include: { order: true, refunds: true } });

async function maintainRequests(payment: Payment) {
  await h.audit.flush();
  const rows = await h.db.gatewayExchange.findMany({ where: { orderNo: payment.orderNo, service: 'OrderMaintain' }, orderBy: { id: 'asc' } });
  return rows.map((row) => row.request as Record<string, unknown>);
}

/** Fills in the refund form and reviews it; returns the confirmation page. */
async function review(payment: Payment, amountTwd: number | string, remark?: string) {
  const form = await admin.agent.get(`/admin/payments/${payment.id}/refund`);
  expect(form.status).toBe(200);
  return admin.agent.post(`/admin/payments/${payment.id}/refund/review`).type('form').send({
    _csrf: hiddenField(form.text, '_csrf'),
    kind: 'refund',
    idempotencyKey: hiddenField(form.text, 'idempotencyKey'),
    amountTwd,
    ...(remark !== undefined && { remark }),
  });
}

/** Submits the confirmation page's form, as the "confirm" button does. */
function confirm(page: string) {
  const fields: Record<string, string> = {};
  for (const name of ['_csrf', 'kind', 'idempotencyKey', 'amountTwd', 'remark']) {
    if (page.includes(`name="${name}"`)) fields[name] = hiddenField(page, name);
  }
  const action = /<form method="post" action="(\/admin\/payments\/[^"]+\/refunds)"/.exec(page)?.[1];
  if (!action) throw new Error('the page has no confirmation form');
  return admin.agent.post(action).type('form').send(fields);
}

async function noticeAfter(response: { status: number; headers: Record<string, string> }): Promise<string> {
  expect(response.status).toBe(303);
  const page = await admin.agent.get(`${response.headers.location}?lang=en`);
  return /data-notice="([^"]+)">\s*([^<]*?)\s*</.exec(page.text)?.slice(1).join(' | ') ?? 'no notice';
}

async function shopperPaidCardOrder(): Promise<{ shopper: Shopper; payment: Payment }> {
  const shopper = new Shopper(h.app);
  const product = await h.db.product.findFirstOrThrow({ where: { slug: 'alishan-oolong' } });
  await shopper.addToCart(product.id, 1);
  const placed = await shopper.checkout({ payType: 'card' });
  expect(placed.status).toBe(303);
  const payment = await h.db.payment.findFirstOrThrow({ where: { cardPayUrl: placed.headers.location } });
  await deliverReturn(h, payAtBank(h, payment));
  return { shopper, payment: await h.db.payment.findUniqueOrThrow({ where: { id: payment.id } }) };
}

describe('a full refund', () => {
  it('is confirmed, refunded at the bank, recorded, applied, and shown to the shopper', async () => {
    const { shopper, payment } = await shopperPaidCardOrder();
    expect(payment.status).toBe('paid');

    const confirmation = await review(payment, 1280, 'damaged in transit');
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toContain('data-testid="refund-confirmation"');
    expect(confirmation.text).toContain('NT$1,280');
    expect(bankRefunds(payment)).toEqual([]); // reviewing sends nothing

    expect(await noticeAfter(await confirm(confirmation.text))).toBe('admin.refund.done | Refunded NT$1,280.');

    expect(bankRefunds(payment)).toEqual([128_000]);
    const after = await reload(payment);
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: 128_000 });
    expect(after.order.status).toBe('refunded');
    expect(after.refunds).toEqual([
      expect.objectContaining({ kind: 'refund', amount: 128_000, status: 'succeeded', bankCode: 'S0000', remark: 'damaged in transit', createdBy: 'merchant' }),
    ]);
    // Without Amount the bank refunds the whole payment.
    expect(await maintainRequests(payment)).toEqual([{ ShopNo: 'NA0001_001', OrderNo: payment.orderNo, Command: 'R', Remark: 'damaged in transit' }]);

    const myOrders = await shopper.agent.get('/orders');
    expect(myOrders.text).toMatch(/data-testid="order-status">已退款</);
    expect((await shopper.agent.get('/orders?lang=en')).text).toMatch(/data-testid="order-status">Refunded</);
  });
});

describe('partial refunds', () => {
  it('give back part of the payment, then the rest', async () => {
    const { payment } = await paidCardAttempt(h, 1_500);

    expect(await noticeAfter(await confirm((await review(payment, 500)).text))).toBe('admin.refund.done | Refunded NT$500.');
    let after = await reload(payment);
    expect(after).toMatchObject({ status: 'paid', refundedAmount: 50_000 });
    expect(after.order.status).toBe('partially_refunded');
    expect(bankRefunds(payment)).toEqual([50_000]);
    expect((await admin.agent.get(`/admin/payments/${payment.id}/refund`)).text).toMatch(/data-testid="refundable">NT\$1,000</);

    expect(await noticeAfter(await confirm((await review(payment, 1000)).text))).toBe('admin.refund.done | Refunded NT$1,000.');
    after = await reload(payment);
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: 150_000 });
    expect(after.order.status).toBe('refunded');
    expect(bankRefunds(payment)).toEqual([50_000, 100_000]);
    expect((await maintainRequests(payment)).map((r) => r.Amount)).toEqual([50_000, 100_000]);
  });
});

describe('refusals before the bank', () => {
  it('refuses more than what is left, at review and at the refund itself, without asking the bank', async () => {
    const { payment } = await paidCardAttempt(h, 1_500);
    await confirm((await review(payment, 500)).text);

    const reviewed = await review(payment, 1001);
    expect(reviewed.status).toBe(422);
    expect(reviewed.text).toContain('data-problem="over_remaining"');
    expect(reviewed.text).not.toContain('data-testid="refund-confirmation"');

    // A form altered after review is checked again.
    const form = await admin.agent.get(`/admin/payments/${payment.id}/refund`);
    const forced = await admin.agent.post(`/admin/payments/${payment.id}/refunds`).type('form').send({
      _csrf: hiddenField(form.text, '_csrf'), kind: 'refund', idempotencyKey: hiddenField(form.text, 'idempotencyKey'), amountTwd: 1001,
    });
    expect(forced.status).toBe(422);
    expect(forced.text).toContain('data-problem="over_remaining"');

    expect(bankRefunds(payment)).toEqual([50_000]);
    expect((await reload(payment)).refunds).toHaveLength(1);
    expect(await maintainRequests(payment)).toHaveLength(1);
  });

  it('asks again for an amount that is not a whole number of NT$, or a reason the bank would refuse', async () => {
    const { payment } = await paidCardAttempt(h);
    for (const amount of ['0', '12.5', '-3', 'abc', '']) {
      const reviewed = await review(payment, amount);
      expect(reviewed.status).toBe(422);
      expect(reviewed.text).toContain('data-problem="amount"');
    }
    const badRemark = await review(payment, 100, '50% off');
    expect(badRemark.status).toBe(422);
    expect(badRemark.text).toContain('data-problem="remark"');
    expect(bankRefunds(payment)).toEqual([]);
  });

  it('reads an amount typed in full-width digits, with a separator or NT$, as the rest of the shop does', async () => {
    const { payment } = await paidCardAttempt(h, 2_000);
    for (const typed of ['１２００', '1,200', 'NT$1,200', ' １，２００ ']) {
      const reviewed = await review(payment, typed);
      expect(reviewed.status).toBe(200);
      expect(reviewed.text).toContain('<input type="hidden" name="amountTwd" value="1200">');
    }
    expect(await confirm((await review(payment, '１２００')).text)).toMatchObject({ status: 303 });
    expect(bankRefunds(payment)).toEqual([120_000]);
  });

  it('offers no refund for an attempt that took no money', async () => {
    const { payment } = await cardAttempt(h);
    const page = await admin.agent.get(`/admin/payments/${payment.id}/refund`);
    expect(page.text).toContain('data-problem="not_paid"');
    expect(page.text).not.toContain('data-testid="refund-review"');
  });
});

describe('submitting the same refund twice', () => {
  it('refunds once, at the same moment or later', async () => {
    const { payment } = await paidCardAttempt(h, 1_500);
    const confirmation = (await review(payment, 300)).text;

    const [first, second] = await Promise.all([confirm(confirmation), confirm(confirmation)]);
    // Both land on the order page. (Which notice shows is the last session write's: one browser, one page.)
    for (const response of [first, second]) {
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe(`/admin/orders/${payment.orderId}`);
    }
    expect(await noticeAfter(await confirm(confirmation))).toBe(
      'admin.refund.duplicate | This request for NT$300 was already submitted; it was not sent to the bank again.',
    );

    expect(bankRefunds(payment)).toEqual([30_000]);
    expect(await maintainRequests(payment)).toHaveLength(1);
    const after = await reload(payment);
    expect(after.refundedAmount).toBe(30_000);
    expect(after.refunds).toHaveLength(1);
  });
});

describe('cancelling an authorisation', () => {
  it('releases an authorised card payment at the bank and gives the whole amount back', async () => {
    const { payment } = await authorisedCardAttempt(h);
    expect(payment.status).toBe('paid');
    expect(h.sandbox.sandbox.control.order({ orderNo: payment.orderNo }).payStatus).toBe('1C300');

    const confirmation = await admin.agent.get(`/admin/payments/${payment.id}/cancel`);
    expect(confirmation.text).toContain('data-testid="refund-confirmation"');
    expect(await noticeAfter(await confirm(confirmation.text))).toBe('admin.cancel.done | Authorisation cancelled; NT$2,000 will not be charged.');

    expect(h.sandbox.sandbox.control.order({ orderNo: payment.orderNo }).payStatus).toBe('1C351');
    const after = await reload(payment);
    expect(after).toMatchObject({ status: 'refunded', refundedAmount: 200_000 });
    expect(after.order.status).toBe('refunded');
    expect(after.refunds).toEqual([expect.objectContaining({ kind: 'cancel', amount: 200_000, status: 'succeeded' })]);
    expect(await maintainRequests(payment)).toEqual([{ ShopNo: 'NA0001_001', OrderNo: payment.orderNo, Command: 'C' }]);

    // The bank now says "cancelled"; the shop already has it as given back, so nothing is refused.
    expect(await noticeAfter(await admin.post(`/admin/payments/${payment.id}/recheck`))).toMatch(/^admin\.recheck\.nothingNew/);
    expect(await h.db.paymentEvent.count({ where: { paymentId: payment.id, applied: false } })).toBe(0);
  });

  it('is not offered for a payment the bank captured at once, and is refused without asking the bank', async () => {
    const { payment } = await paidCardAttempt(h);

    const orderPage = await admin.agent.get(`/admin/orders/${payment.orderId}`);
    expect(orderPage.text).toContain('data-testid="refund-link"');
    expect(orderPage.text).not.toContain('data-testid="cancel-link"');
    const confirmation = await admin.agent.get(`/admin/payments/${payment.id}/cancel`);
    expect(confirmation.text).toContain('data-problem="captured"');
    const sent = await admin.agent.post(`/admin/payments/${payment.id}/refunds`).type('form').send({
      _csrf: hiddenField(orderPage.text, '_csrf'),
      kind: 'cancel',
      idempotencyKey: randomUUID(),
    });

    expect(sent.status).toBe(422);
    expect(sent.text).toContain('data-problem="captured"');
    expect(await maintainRequests(payment)).toEqual([]);
    expect(await reload(payment)).toMatchObject({ status: 'paid', refundedAmount: 0, refunds: [] });
  });
});
