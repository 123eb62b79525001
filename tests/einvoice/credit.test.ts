// What refunds do to an issued e-invoice, against the ECPay simulator over HTTP: a full refund (a
// paid order's cancellation is one) voids it while its period's void window is open, Taiwan time,
// and is an allowance for the whole amount after; partial refunds are allowances, in several parts,
// and once an allowance exists the rest is an allowance too, never a void. A refusal waits on the
// attention list for the merchant's retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoiceForOrder, listInvoices } from '../../src/einvoice/invoice-records';
import { retryInvoiceStep } from '../../src/einvoice/retry';
import { voidWindowEnd } from '../../src/einvoice/void-window';
import { payOrder, placeOrder, refund, startEinvoiceHarness, taiwan, type EinvoiceHarness } from './einvoice-harness';

let h: EinvoiceHarness;

beforeAll(async () => {
  h = await startEinvoiceHarness({ start: taiwan('2027-01-05 10:00:00') });
});

afterAll(async () => {
  await h?.close();
});

const atSimulator = (reference: string) => h.sandbox.control.invoices().find((invoice) => invoice.relateNumber === reference)!;

/** A paid order of NT$1,000 (900 of goods, 100 shipping) whose invoice is issued at `issuedAt`. */
async function issuedOrder(issuedAt: Date) {
  h.clock.now = issuedAt;
  const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'member_carrier' }, lines: [['烏龍茶 150g', 450, 2]], shippingTwd: 100 });
  const paymentId = await payOrder(h.deps, order);
  await h.runSteps();
  expect((await invoiceForOrder(h.db, order.id))?.status).toBe('issued');
  return { order, paymentId };
}

describe('the void window', () => {
  it('ends at 00:00 on the 14th of the odd month after the two-month period, Taiwan time', () => {
    expect(voidWindowEnd(taiwan('2027-01-05 10:00:00'))).toEqual(taiwan('2027-03-14 00:00:00'));
    expect(voidWindowEnd(taiwan('2027-02-28 23:59:59'))).toEqual(taiwan('2027-03-14 00:00:00'));
    expect(voidWindowEnd(taiwan('2027-03-01 00:00:00'))).toEqual(taiwan('2027-05-14 00:00:00'));
    expect(voidWindowEnd(taiwan('2027-12-31 23:00:00'))).toEqual(taiwan('2028-01-14 00:00:00'));
    // 2027-02-28 16:30 UTC is already March 1st in Taiwan: the next period.
    expect(voidWindowEnd(new Date('2027-02-28T16:30:00Z'))).toEqual(taiwan('2027-05-14 00:00:00'));
  });
});

describe('a full refund', () => {
  it('voids the invoice at 23:59:59 on the 13th of the odd month (Taiwan time)', async () => {
    const { order, paymentId } = await issuedOrder(taiwan('2027-01-05 10:00:00'));
    h.clock.now = taiwan('2027-03-13 23:59:59');
    await refund(h.deps, paymentId, 1000);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    const invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'void', voidedAt: taiwan('2027-03-13 23:59:59'), allowedTwd: 0, allowances: [] });
    expect(atSimulator(order.number).status).toBe('void');
    expect(invoice!.history.map((event) => [event.action, event.outcome])).toEqual([
      ['issue', 'queued'], ['issue', 'done'], ['credit', 'queued'], ['void', 'done'],
    ]);
  });

  it('is an allowance for the whole amount from 00:00:00 on the 14th', async () => {
    const { order, paymentId } = await issuedOrder(taiwan('2027-01-05 10:00:00'));
    h.clock.now = taiwan('2027-03-14 00:00:00');
    await refund(h.deps, paymentId, 1000);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    const invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'issued', allowedTwd: 1000, allowances: [{ amountTwd: 1000, issuedAt: taiwan('2027-03-14 00:00:00') }] });
    const held = atSimulator(order.number);
    expect(held.status).toBe('issued');
    expect(held.allowances).toMatchObject([{ allowanceNo: invoice!.allowances[0]!.number, amount: 1000, status: 'valid' }]);
    expect(held.remainingAllowance).toBe(0);
  });

  it('voids an invoice issued in December until 13 January', async () => {
    const { order, paymentId } = await issuedOrder(taiwan('2027-12-20 09:00:00'));
    h.clock.now = taiwan('2028-01-13 12:00:00');
    await refund(h.deps, paymentId, 1000);
    await h.runSteps();
    expect((await invoiceForOrder(h.db, order.id))?.status).toBe('void');
  });
});

describe('partial refunds', () => {
  it('are allowances for what each refunded, in several parts, and the rest is an allowance, never a void', async () => {
    const { order, paymentId } = await issuedOrder(taiwan('2027-04-02 10:00:00'));
    h.clock.now = taiwan('2027-04-03 10:00:00');
    await refund(h.deps, paymentId, 300);
    await refund(h.deps, paymentId, 200);
    expect(await h.runSteps()).toMatchObject({ done: 2 });
    let invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'issued', allowedTwd: 500 });
    expect(invoice!.allowances.map((allowance) => allowance.amountTwd)).toEqual([300, 200]);
    expect(atSimulator(order.number).remainingAllowance).toBe(500);

    // The rest, still inside the void window: an allowance, since allowances exist.
    await refund(h.deps, paymentId, 500);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'issued', allowedTwd: 1000 });
    expect(invoice!.allowances.map((allowance) => allowance.amountTwd)).toEqual([300, 200, 500]);
    const held = atSimulator(order.number);
    expect(held.status).toBe('issued');
    expect(held.allowances.map((allowance) => allowance.amount)).toEqual([300, 200, 500]);
    expect(held.remainingAllowance).toBe(0);
    expect((await listInvoices(h.db, { status: 'allowance', limit: 50 })).invoices.map((listed) => listed.orderId)).toContain(order.id);
  });

  it('a refund booked before the invoice is issued waits for it, then credits it', async () => {
    h.clock.now = taiwan('2027-05-02 10:00:00');
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'member_carrier' }, lines: [['烏龍茶 150g', 450, 2]], shippingTwd: 100 });
    const paymentId = await payOrder(h.deps, order);
    await refund(h.deps, paymentId, 250);
    expect(await h.runSteps()).toMatchObject({ done: 2 });
    expect(await invoiceForOrder(h.db, order.id)).toMatchObject({ status: 'issued', allowedTwd: 250 });
  });

  it('refunding a duplicate payment credits nothing: the order still holds its total', async () => {
    const { order } = await issuedOrder(taiwan('2027-05-03 10:00:00'));
    const duplicate = await h.db.payment.create({
      data: { orderId: order.id, orderNo: `DUP${order.number}`, payType: 'card', amount: 100_000, status: 'pending' },
    });
    await h.db.payment.update({ where: { id: duplicate.id }, data: { status: 'paid' } });
    await refund(h.deps, duplicate.id, 1000);
    expect(await h.db.invoiceStep.count({ where: { invoice: { orderId: order.id }, kind: 'credit' } })).toBe(0);
  });
});

describe('a lost answer', () => {
  it('of an allowance is found in what the invoice still allows, and no second allowance is made', async () => {
    const { order, paymentId } = await issuedOrder(taiwan('2027-07-01 10:00:00'));
    await refund(h.deps, paymentId, 400);
    h.sandbox.control.setFaults({ timeout: { op: 'Allowance' } });
    const slow = { ...h.deps, provider: h.provider(400) };
    expect(await h.runSteps(slow)).toMatchObject({ unanswered: 1 });
    expect(atSimulator(order.number).allowances).toHaveLength(1);
    h.clock.now = new Date(h.clock.now.getTime() + 31_000);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    const invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ allowedTwd: 400, allowances: [{ amountTwd: 400, number: null }] });
    expect(invoice!.history.at(-1)).toMatchObject({ action: 'allowance', outcome: 'found' });
    expect(atSimulator(order.number).allowances).toHaveLength(1);
  });

  it('of a void is answered "already void" on the retry, which counts as done', async () => {
    const { order, paymentId } = await issuedOrder(taiwan('2027-07-02 10:00:00'));
    await refund(h.deps, paymentId, 1000);
    h.sandbox.control.setFaults({ timeout: { op: 'Invalid' } });
    expect(await h.runSteps({ ...h.deps, provider: h.provider(400) })).toMatchObject({ unanswered: 1 });
    expect(atSimulator(order.number).status).toBe('void');
    h.clock.now = new Date(h.clock.now.getTime() + 31_000);
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    expect(await invoiceForOrder(h.db, order.id)).toMatchObject({ status: 'void' });
  });
});

describe('a refusal', () => {
  it('is on the attention list until the merchant retries it, and the retry issues once', async () => {
    h.clock.now = taiwan('2027-06-01 10:00:00');
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'member_carrier' } });
    await payOrder(h.deps, order);
    h.sandbox.control.setFaults({ rtnCode: { op: 'Issue', code: 1100040 } });
    expect(await h.runSteps()).toMatchObject({ refused: 1 });
    let invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'refused', needsAttention: true, steps: [{ status: 'refused', needsAttention: true }] });
    expect(invoice!.history.at(-1)).toMatchObject({ action: 'issue', outcome: 'refused', code: '1100040' });
    expect((await listInvoices(h.db, { status: 'attention', limit: 50 })).invoices.map((listed) => listed.orderId)).toContain(order.id);
    // Refused stays refused: later passes leave it alone.
    h.clock.now = taiwan('2027-06-01 12:00:00');
    expect(await h.runSteps()).toMatchObject({ done: 0, refused: 0 });

    expect(await retryInvoiceStep(h.db, invoice!.steps[0]!.id, 'owner', h.clock())).toEqual({ kind: 'queued', orderId: order.id, orderNumber: order.number });
    expect(await retryInvoiceStep(h.db, invoice!.steps[0]!.id, 'owner', h.clock())).toEqual({ kind: 'not_retryable', orderId: order.id, orderNumber: order.number });
    expect(await h.runSteps()).toMatchObject({ done: 1 });
    invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'issued', needsAttention: false });
    expect(invoice!.history.map((event) => [event.action, event.outcome, event.actor])).toEqual([
      ['issue', 'queued', 'job'], ['issue', 'refused', 'job'], ['retry', 'queued', 'owner'], ['issue', 'done', 'job'],
    ]);
    expect(h.sandbox.control.invoices().filter((held) => held.relateNumber === order.number)).toHaveLength(1);
  });

  it('the history cannot be changed', async () => {
    await expect(h.db.invoiceEvent.updateMany({ data: { message: 'x' } })).rejects.toThrow(/append-only/);
    await expect(h.db.invoiceEvent.deleteMany()).rejects.toThrow(/append-only/);
  });
});
