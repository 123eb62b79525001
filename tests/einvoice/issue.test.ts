// Issuing an order's e-invoice once it is paid, against the ECPay simulator over HTTP: every
// recipient choice as ECPay's rules want it, the lines plus shipping summing to the total, and
// exactly once when the answer is lost, when the provider is busy or rate-limits, and when two job
// runners (two processes) run at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceForOrder } from '../../src/einvoice/invoice-records';
import type { Order } from '../../src/generated/prisma/client';
import { payOrder, placeOrder, startEinvoiceHarness, taiwan, type EinvoiceHarness, type InvoiceChoice } from './einvoice-harness';

let h: EinvoiceHarness;

beforeAll(async () => {
  h = await startEinvoiceHarness({ start: taiwan('2027-01-05 10:00:00'), timeoutMs: 3_000 });
});

afterAll(async () => {
  await h?.close();
});

const atSimulator = (reference: string) => h.sandbox.control.invoices().filter((invoice) => invoice.relateNumber === reference);

async function issuedFor(choice: InvoiceChoice, address = true) {
  const order = await placeOrder(h.db, { choice, address });
  await payOrder(h.deps, order);
  const report = await h.runSteps();
  expect(report.done).toBeGreaterThanOrEqual(1);
  const invoice = await invoiceForOrder(h.db, order.id);
  expect(invoice?.status).toBe('issued');
  const [held, ...others] = atSimulator(order.number);
  expect(others).toEqual([]);
  expect(held!.invoiceNo).toBe(invoice!.number);
  expect(held!.randomNumber).toBe(invoice!.randomNumber);
  return { order, invoice: invoice!, held: held! };
}

describe('issuing the invoice of a paid order', () => {
  it('issues the lines and the shipping fee, tax included, their sum as the amount, with number, date and random number stored', async () => {
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'member_carrier' }, lines: [['烏龍茶 150g', 450, 2], ['茶杯', 280, 1]], shippingTwd: 100 });
    expect(await invoiceForOrder(h.db, order.id)).toBeUndefined();
    await payOrder(h.deps, order);
    const queued = await invoiceForOrder(h.db, order.id);
    expect(queued).toMatchObject({ status: 'pending', totalTwd: 1280, number: null, steps: [{ kind: 'issue', status: 'pending' }] });

    await h.runSteps();
    const invoice = await invoiceForOrder(h.db, order.id);
    const [held] = atSimulator(order.number);
    expect(held!.items).toEqual([
      { seq: 1, name: '烏龍茶 150g', count: 2, word: '件', price: 450, amount: 900 },
      { seq: 2, name: '茶杯', count: 1, word: '件', price: 280, amount: 280 },
      { seq: 3, name: '運費', count: 1, word: '式', price: 100, amount: 100 },
    ]);
    expect(held!.salesAmount).toBe(1280);
    expect(invoice).toMatchObject({ status: 'issued', provider: 'ecpay', number: held!.invoiceNo, randomNumber: held!.randomNumber, totalTwd: 1280 });
    expect(invoice!.number).toMatch(/^[A-Z]{2}\d{8}$/);
    expect(invoice!.randomNumber).toMatch(/^\d{4}$/);
    expect(invoice!.issuedAt).toEqual(taiwan('2027-01-05 10:00:00'));
    expect(invoice!.history.map((event) => [event.action, event.outcome])).toEqual([['issue', 'queued'], ['issue', 'done']]);
    // Paying again (a second delivery of the same result) writes no second invoice or step.
    expect(await h.db.invoiceStep.count({ where: { invoice: { orderId: order.id } } })).toBe(1);
  });

  it('issues nothing for an order without an invoice choice (placed before e-invoices, or with them off)', async () => {
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: null } });
    await payOrder(h.deps, order);
    expect(await h.db.invoice.count({ where: { orderId: order.id } })).toBe(0);
  });

  it('keeps a member-carrier invoice on ECPay\'s carrier for the buyer\'s e-mail, unprinted', async () => {
    const { held } = await issuedFor({ invoiceRecipient: 'member_carrier' });
    expect(held).toMatchObject({ carrierType: '1', print: false, donation: false });
    expect(held.customerIdentifier).toBeUndefined();
  });

  it('stores a mobile barcode invoice on the barcode, unprinted', async () => {
    const { held } = await issuedFor({ invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/ABC+123' });
    expect(held).toMatchObject({ carrierType: '3', carrierNum: '/ABC+123', print: false, donation: false });
  });

  it('stores a citizen certificate invoice on the certificate, unprinted', async () => {
    const { held } = await issuedFor({ invoiceRecipient: 'citizen_certificate', invoiceCarrierNumber: 'AB12345678901234' });
    expect(held).toMatchObject({ carrierType: '2', carrierNum: 'AB12345678901234', print: false, donation: false });
  });

  it('prints a company invoice with its 統編 and name to go with the parcel to the delivery address', async () => {
    const { held } = await issuedFor({ invoiceRecipient: 'company', invoiceTaxId: '53212539', invoiceCompanyName: '豐收貿易股份有限公司' });
    expect(held).toMatchObject({ customerIdentifier: '53212539', customerName: '豐收貿易股份有限公司', print: true, donation: false, carrierType: '' });
  });

  it('keeps a company invoice on the member carrier, unprinted, when the order has no delivery address', async () => {
    const { held } = await issuedFor({ invoiceRecipient: 'company', invoiceTaxId: '10458574', invoiceCompanyName: '某公司' }, false);
    expect(held).toMatchObject({ customerIdentifier: '10458574', print: false, carrierType: '1' });
  });

  it('donates a donation-code invoice, unprinted, with no carrier and no 統編', async () => {
    const { held } = await issuedFor({ invoiceRecipient: 'donation', invoiceDonationCode: '919' });
    expect(held).toMatchObject({ donation: true, loveCode: '919', print: false, carrierType: '' });
    expect(held.customerIdentifier).toBeUndefined();
  });
});

describe('issuing exactly once', () => {
  it('finds the invoice with GetIssue after a lost answer, and never issues a second', async () => {
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'member_carrier' } });
    await payOrder(h.deps, order);
    h.sandbox.control.setFaults({ timeout: { op: 'Issue' } });
    expect(await h.runSteps()).toMatchObject({ done: 0, unanswered: 1 });
    // The simulator issued it; the shop does not know yet.
    expect(atSimulator(order.number)).toHaveLength(1);
    let invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'pending', steps: [{ status: 'pending', attempts: 1 }] });

    // Not due again before the pause: a pass now does nothing.
    expect(await h.runSteps()).toMatchObject({ done: 0, unanswered: 0 });
    h.clock.now = new Date(h.clock.now.getTime() + 31_000);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    invoice = await invoiceForOrder(h.db, order.id);
    const held = atSimulator(order.number);
    expect(held).toHaveLength(1);
    expect(invoice).toMatchObject({ status: 'issued', number: held[0]!.invoiceNo });
    expect(invoice!.history.map((event) => [event.action, event.outcome])).toEqual([['issue', 'queued'], ['issue', 'unanswered'], ['issue', 'found']]);
  });

  it('waits out 9000001 and an HTTP 403 rate limit (30 minutes), then issues once', async () => {
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'donation', invoiceDonationCode: '8585' } });
    await payOrder(h.deps, order);
    h.sandbox.control.setFaults({ rtnCode: { op: 'Issue', code: 9000001 } });
    expect(await h.runSteps()).toMatchObject({ unanswered: 1 });
    h.sandbox.control.setFaults({ rateLimit: { count: 1 } });
    h.clock.now = new Date(h.clock.now.getTime() + 30_000);
    expect(await h.runSteps()).toMatchObject({ unanswered: 1 });
    const step = await h.db.invoiceStep.findFirstOrThrow({ where: { invoice: { orderId: order.id } } });
    expect(step.nextAttemptAt).toEqual(new Date(h.clock.now.getTime() + 30 * 60_000));
    expect(step.lastError).toMatch(/403/);
    h.clock.now = new Date(h.clock.now.getTime() + 30 * 60_000);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    expect(atSimulator(order.number)).toHaveLength(1);
    expect((await invoiceForOrder(h.db, order.id))?.status).toBe('issued');
  });

  it('two job runners at once (two processes on one database) issue each order once', async () => {
    const orders: Order[] = [];
    for (let i = 0; i < 6; i++) {
      const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'member_carrier' } });
      await payOrder(h.deps, order);
      orders.push(order);
    }
    const second = { ...h.deps, provider: h.provider() };
    const reports = await Promise.all([h.runSteps(), h.runSteps(second), h.runSteps(), h.runSteps(second)]);
    expect(reports.reduce((sum, report) => sum + report.done, 0)).toBe(6);
    for (const order of orders) {
      expect(atSimulator(order.number)).toHaveLength(1);
      const invoice = await invoiceForOrder(h.db, order.id);
      expect(invoice?.status).toBe('issued');
      expect(invoice!.history.filter((event) => event.outcome === 'done')).toHaveLength(1);
    }
  });
});
