// What the e-invoice tests start from: a database of their own, the ECPay e-invoice simulator
// (packages/ecpay-einvoice-sandbox) over real HTTP on a free port, both on one clock the test moves,
// the shop's ECPay provider pointed at it, and paid orders made the way the shop makes them
// (applyBankResult), so their invoice steps are written by the code under test.
import { randomBytes, randomUUID } from 'node:crypto';
import { startEinvoiceSandbox, STAGE_MERCHANT, type RunningEinvoiceSandbox } from 'ecpay-einvoice-sandbox';
import type { Database } from '../../src/db/prisma';
import { EcpayProvider } from '../../src/einvoice/ecpay/ecpay-provider';
import { runDueInvoiceSteps, type EinvoiceDependencies, type StepSettings } from '../../src/einvoice/invoice-steps';
import type { InvoiceRecipient, Order } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { applyBankResult } from '../../src/payments/apply-result';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

export const SILENT = createLogger('silent');

/** Taiwan wall time as an instant: "2027-01-05 10:00:00". */
export const taiwan = (wall: string) => new Date(`${wall.replace(' ', 'T')}+08:00`);

export const STEP_SETTINGS: StepSettings = { leaseMs: 60_000, batchSize: 20, retryDelayMs: 30_000, maxRetryDelayMs: 3600_000 };

export interface EinvoiceHarness {
  db: Database;
  url: string;
  sandbox: RunningEinvoiceSandbox;
  clock: { now: Date; (): Date };
  deps: EinvoiceDependencies;
  /** A provider of its own (another process's), on the same simulator and clock. */
  provider(timeoutMs?: number): EcpayProvider;
  /** Runs the einvoice job's pass once. */
  runSteps(deps?: EinvoiceDependencies): ReturnType<typeof runDueInvoiceSteps>;
  close(): Promise<void>;
}

export async function startEinvoiceHarness(options: { start: Date; timeoutMs?: number }): Promise<EinvoiceHarness> {
  const database: TestDatabase = await createTestDatabase();
  const clock = Object.assign(() => clock.now, { now: options.start });
  const sandbox = await startEinvoiceSandbox({ port: 0, clock, logger: { info() {}, warn() {}, error() {} } });
  const provider = (timeoutMs = options.timeoutMs ?? 5_000) =>
    new EcpayProvider({ apiUrl: sandbox.apiUrl, merchantId: STAGE_MERCHANT.merchantId, hashKey: STAGE_MERCHANT.hashKey, hashIV: STAGE_MERCHANT.hashIV, timeoutMs, clock });
  const deps: EinvoiceDependencies = { db: database.db, provider: provider(), clock, logger: SILENT };
  return {
    db: database.db,
    url: database.url,
    sandbox,
    clock,
    deps,
    provider,
    runSteps: (other = deps) => runDueInvoiceSteps(other, STEP_SETTINGS),
    async close() {
      await sandbox.close();
      await database.drop();
    },
  };
}

export interface InvoiceChoice {
  invoiceRecipient: InvoiceRecipient | null;
  invoiceCarrierNumber?: string;
  invoiceTaxId?: string;
  invoiceCompanyName?: string;
  invoiceDonationCode?: string;
}

/** An order of `lines` (name, unit price, quantity) plus shipping, with an invoice choice and a delivery address. */
export async function placeOrder(
  db: Database,
  input: { choice: InvoiceChoice; lines?: Array<[string, number, number]>; shippingTwd?: number; address?: boolean },
): Promise<Order> {
  const lines = input.lines ?? [['烏龍茶 150g', 450, 2]];
  const shippingTwd = input.shippingTwd ?? 100;
  const product = await db.product.create({
    data: { slug: `p-${randomBytes(4).toString('hex')}`, nameZh: '測試', nameEn: 'Test', descriptionZh: '測', descriptionEn: 'T', priceTwd: 1, stock: 0 },
  });
  const totalTwd = lines.reduce((sum, [, price, quantity]) => sum + price * quantity, 0) + shippingTwd;
  const withAddress = input.address ?? true;
  return db.order.create({
    data: {
      number: `FS20270105${randomBytes(4).toString('hex').toUpperCase()}`,
      ownerToken: randomUUID(),
      customerName: '王小明',
      email: 'buyer@example.com',
      phone: '0912345678',
      payType: 'card',
      totalTwd,
      shippingTwd,
      ...(withAddress && { postcode: '115', city: '臺北市', district: '南港區', street: '經貿二路 1 號' }),
      ...input.choice,
      lines: { create: lines.map(([name, price, quantity]) => ({ productId: product.id, nameZh: name, nameEn: name, unitPriceTwd: price, quantity })) },
    },
  });
}

/** Pays the order with one card attempt, as the bank's answer would through applyBankResult. */
export async function payOrder(deps: EinvoiceDependencies, order: Order): Promise<string> {
  const payment = await deps.db.payment.create({
    data: { orderId: order.id, orderNo: `T${randomBytes(8).toString('hex').toUpperCase()}`, payType: 'card', amount: order.totalTwd * 100, status: 'pending' },
  });
  const applied = await applyBankResult(deps, { paymentId: payment.id, outcome: { kind: 'paid' }, source: 'backend' });
  if (applied.kind !== 'applied') throw new Error(`paying the order: ${applied.kind}`);
  return payment.id;
}

/** Books a refund of `amountTwd` on the attempt, as the bank's answer would. */
export async function refund(deps: EinvoiceDependencies, paymentId: string, amountTwd: number): Promise<void> {
  const row = await deps.db.refund.create({
    data: { paymentId, kind: 'refund', amount: amountTwd * 100, idempotencyKey: randomUUID(), createdBy: 'test' },
  });
  const applied = await applyBankResult(deps, { paymentId, outcome: { kind: 'refunded', amount: amountTwd * 100 }, source: 'admin', refundId: row.id });
  if (applied.kind !== 'applied') throw new Error(`booking the refund: ${applied.kind}`);
}
