// The invoice's number by e-mail: in the payment-received mail when the invoice was issued before
// that mail was composed, else in a mail of its own, written in the transaction that records the
// issued invoice and sent once through the outbox to the mail catcher over SMTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailCatcher } from 'sinopac-sandbox';
import { invoiceForOrder } from '../../src/einvoice/invoice-records';
import type { Order } from '../../src/generated/prisma/client';
import { deliverClaimed, drainMailOutbox, DEFAULT_DELIVERY } from '../../src/mail/deliver';
import { claimDueMail } from '../../src/mail/outbox';
import { formatTaipeiDateTime } from '../../src/web/views';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { payOrder, placeOrder, refund, startEinvoiceHarness, taiwan, type EinvoiceHarness } from './einvoice-harness';

let h: EinvoiceHarness;
let catcher: MailCatcher;

beforeAll(async () => {
  // A lost answer costs this long; generous, so that a loaded machine's slow answer is not taken for one.
  h = await startEinvoiceHarness({ start: taiwan('2027-01-05 10:00:00'), timeoutMs: 3_000 });
  catcher = await startCatcher();
});

afterAll(async () => {
  closeSenders();
  await catcher?.close();
  await h?.close();
});

const mail = () => deliveryDeps(h.db, { catcher });
const drain = () => drainMailOutbox(mail());
const mailsAbout = (order: Order) => catcher.mails().filter((caught) => caught.subject.includes(order.number));
const invoiceMails = (order: Order) => h.db.mailOutbox.count({ where: { orderId: order.id, kind: 'invoice_issued' } });

async function paidOrder(locale = 'zh-TW'): Promise<Order> {
  const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/ABC+123' } });
  await h.db.order.update({ where: { id: order.id }, data: { locale } });
  await payOrder(h.deps, order);
  return order;
}

describe('the invoice number by e-mail', () => {
  it('sends the number in a mail of its own when the receipt went before the invoice was issued', async () => {
    const order = await paidOrder();
    expect(await drain()).toMatchObject({ sent: 1 });
    const [receipt] = mailsAbout(order);
    expect(receipt!.subject).toBe(`【豐收商店】訂單 ${order.number} 已收到款項`);
    expect(receipt!.text).toContain('電子發票將在稍後開立');

    expect(await h.runSteps()).toMatchObject({ done: 1 });
    const invoice = (await invoiceForOrder(h.db, order.id))!;
    expect(await drain()).toMatchObject({ sent: 1 });
    const [, own, ...more] = mailsAbout(order);
    expect(more).toEqual([]);
    expect(own!.subject).toBe(`【豐收商店】訂單 ${order.number} 的電子發票已開立`);
    expect(own!.to).toContain('buyer@example.com');
    expect(own!.text).toContain(`發票號碼: ${invoice.number}`);
    expect(own!.text).toContain(`開立時間: ${formatTaipeiDateTime(invoice.issuedAt!, 'zh-TW')}`);
    expect(own!.text).toContain(`隨機碼: ${invoice.randomNumber}`);
    expect(own!.text).toContain('手機條碼 /ABC+123');
    expect(own!.html).toContain(`>${invoice.number}<`);
    // Items, shipping and total, as every mail of the order lists them.
    expect(own!.text).toContain('烏龍茶 150g × 2');

    expect(await drain()).toMatchObject({ sent: 0 });
    expect(await invoiceMails(order)).toBe(1);
  });

  it('writes it in the order\'s language', async () => {
    const order = await paidOrder('en');
    await drain();
    await h.runSteps();
    const invoice = (await invoiceForOrder(h.db, order.id))!;
    await drain();
    const own = mailsAbout(order).find((caught) => caught.subject.includes('e-invoice'));
    expect(own!.subject).toBe(`Fengshou Shop: e-invoice issued for order ${order.number}`);
    expect(own!.text).toContain(`Invoice number: ${invoice.number}`);
    expect(own!.text).toContain(`Random number: ${invoice.randomNumber}`);
    expect(own!.text).toContain(`Issued: ${formatTaipeiDateTime(invoice.issuedAt!, 'en')}`);
  });

  it('sends no second mail when the receipt is composed after the invoice was issued: the receipt carries the number', async () => {
    const order = await paidOrder();
    await h.runSteps();
    const invoice = (await invoiceForOrder(h.db, order.id))!;
    expect(invoice.status).toBe('issued');
    expect(await invoiceMails(order)).toBe(0);

    expect(await drain()).toMatchObject({ sent: 1 });
    const [receipt, ...more] = mailsAbout(order);
    expect(more).toEqual([]);
    expect(receipt!.text).toContain(`發票號碼: ${invoice.number}`);
    expect(receipt!.text).not.toContain('稍後開立');
  });

  it('sends its own mail when a sender had claimed the receipt (it may be composed already) but not sent it', async () => {
    const order = await paidOrder();
    const claimed = await claimDueMail(h.db, new Date(), { leaseMs: 60_000, batchSize: 50 });
    const receipt = claimed.find((row) => row.orderId === order.id && row.kind === 'payment_received')!;
    expect(receipt).toBeDefined();

    await h.runSteps();
    expect(await invoiceMails(order)).toBe(1);
    expect(await deliverClaimed(mail(), DEFAULT_DELIVERY, receipt)).toBe('sent');
    await drain();
    expect(mailsAbout(order).map((caught) => caught.subject)).toEqual([
      `【豐收商店】訂單 ${order.number} 已收到款項`,
      `【豐收商店】訂單 ${order.number} 的電子發票已開立`,
    ]);
  });

  it('sends it once when the issue\'s answer was lost and two runners find the invoice at once', async () => {
    const order = await paidOrder();
    await drain();
    h.sandbox.control.setFaults({ timeout: { op: 'Issue' } });
    expect(await h.runSteps()).toMatchObject({ done: 0, unanswered: 1 });
    h.clock.now = new Date(h.clock.now.getTime() + 31_000);
    const second = { ...h.deps, provider: h.provider() };
    const reports = await Promise.all([h.runSteps(), h.runSteps(second)]);
    expect(reports[0].done + reports[1].done).toBe(1);
    expect((await invoiceForOrder(h.db, order.id))!.history.at(-1)).toMatchObject({ action: 'issue', outcome: 'found' });

    expect(await invoiceMails(order)).toBe(1);
    await drain();
    expect(mailsAbout(order).filter((caught) => caught.subject.includes('電子發票已開立'))).toHaveLength(1);
  });

  it('does not send the number of an invoice voided before its mail went', async () => {
    const order = await paidOrder();
    await drain();
    await h.runSteps();
    const paymentId = (await h.db.payment.findFirstOrThrow({ where: { orderId: order.id } })).id;
    await refund(h.deps, paymentId, order.totalTwd);
    await h.runSteps();
    expect((await invoiceForOrder(h.db, order.id))!.status).toBe('void');

    expect(await drain()).toMatchObject({ notOwed: 1 });
    expect(mailsAbout(order).some((caught) => caught.subject.includes('電子發票已開立'))).toBe(false);
    expect(await h.db.mailOutbox.findFirst({ where: { orderId: order.id, kind: 'invoice_issued' } })).toMatchObject({ sentAt: null, lastError: 'the invoice is void' });
  });
});
