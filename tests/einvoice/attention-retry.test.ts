// A step the e-invoice provider refused, as the merchant meets it: on the back office's attention
// list (and its count in the navbar), with a retry button that is a CSRF-protected POST; the retry
// makes the step due again, the job issues the invoice once, and the list is empty again.
import { startEinvoiceSandbox, STAGE_MERCHANT, type RunningEinvoiceSandbox } from 'ecpay-einvoice-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcpayProvider } from '../../src/einvoice/ecpay/ecpay-provider';
import { invoiceForOrder } from '../../src/einvoice/invoice-records';
import { runDueInvoiceSteps, type EinvoiceDependencies } from '../../src/einvoice/invoice-steps';
import { signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { payOrder, placeOrder, SILENT } from './einvoice-harness';

let h: AdminHarness;
let simulator: RunningEinvoiceSandbox;
let deps: EinvoiceDependencies;

beforeAll(async () => {
  h = await startAdminHarness();
  simulator = await startEinvoiceSandbox({ port: 0, logger: { info() {}, warn() {}, error() {} } });
  const clock = () => new Date();
  deps = { db: h.db, provider: new EcpayProvider({ apiUrl: simulator.apiUrl, ...STAGE_MERCHANT, timeoutMs: 5_000, clock }), clock, logger: SILENT };
});

afterAll(async () => {
  await simulator?.close();
  await h?.close();
});

describe('a refused e-invoice step in the back office', () => {
  it('is listed with the provider\'s answer, and its retry (with CSRF) issues the invoice once', async () => {
    const order = await placeOrder(h.db, { choice: { invoiceRecipient: 'mobile_barcode', invoiceCarrierNumber: '/XYZ.123' } });
    await payOrder(deps, order);
    simulator.control.setFaults({ rtnCode: { op: 'Issue', code: 1100040 } });
    expect(await runDueInvoiceSteps(deps)).toMatchObject({ refused: 1 });
    const [step] = (await invoiceForOrder(h.db, order.id))!.steps;

    const merchant = await signedIn(h.app);
    const page = await merchant.agent.get('/admin/payments/attention');
    expect(page.status).toBe(200);
    const row = new RegExp(`data-step-id="${step!.id}"[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? '';
    expect(row).toContain(order.number);
    expect(row).toContain('1100040');
    expect(row).toContain(`/admin/invoices/steps/${step!.id}/retry`);

    expect((await merchant.agent.post(`/admin/invoices/steps/${step!.id}/retry`).type('form').send({})).status).toBe(403);
    expect((await merchant.post('/admin/invoices/steps/not-a-number/retry')).status).toBe(400);
    expect((await merchant.post('/admin/invoices/steps/987654/retry')).status).toBe(404);
    const retried = await merchant.post(`/admin/invoices/steps/${step!.id}/retry`);
    expect(retried.status).toBe(303);
    expect(retried.headers.location).toBe(`/admin/orders/${order.id}`);
    expect(await h.db.merchantAction.count({ where: { action: 'invoice_retry', subject: order.number } })).toBe(1);

    expect(await runDueInvoiceSteps(deps)).toMatchObject({ done: 1 });
    const invoice = await invoiceForOrder(h.db, order.id);
    expect(invoice).toMatchObject({ status: 'issued', needsAttention: false });
    expect(invoice!.history.filter((event) => event.action === 'retry')).toMatchObject([{ actor: 'merchant', outcome: 'queued' }]);
    expect(simulator.control.invoices().filter((held) => held.relateNumber === order.number)).toHaveLength(1);
    const after = await merchant.agent.get('/admin/payments/attention');
    expect(after.text).not.toContain(`data-step-id="${step!.id}"`);
  });
});
