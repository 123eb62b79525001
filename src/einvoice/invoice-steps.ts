// The einvoice job's pass: claims the due steps (invoice-queue.ts writes them) and runs each against
// the provider, in order per invoice, exactly once across processes.
//
// - A claim is a lease, like the mail outbox's (src/mail/outbox.ts): UPDATE … FOR UPDATE SKIP
//   LOCKED takes disjoint steps in each process, and a step whose claimant died is taken up again
//   after the lease, which is far longer than one call may take (the client's timeout).
// - A step waits for every earlier step of its invoice: a credit never runs before the invoice is
//   issued, and allowances are made in the order the refunds were booked.
// - Every provider call is safe to repeat, so a lease lost mid-call, or an answer lost on the way,
//   never makes a second invoice or allowance: issuing uses the order's reference, and a retry first
//   asks the provider for it (a duplicate reference is answered with the invoice held, too); a void
//   of a void invoice is done; a retried allowance first reads what the invoice still allows.
// - No usable answer: the step is tried again after a pause that doubles (or as long as the
//   provider asked). A refusal stops the step and puts it on the attention list (src/admin/attention.ts)
//   until the merchant retries it (retry.ts). Every outcome goes into the invoice's history.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { InvoiceAction, InvoiceOutcome, InvoiceStep, Prisma } from '../generated/prisma/client';
import { InvoiceProviderRefused, InvoiceProviderUnavailable, type InvoiceLine, type InvoiceProvider, type IssuedInvoice, type Recipient } from './provider';
import { canStillVoid } from './void-window';
import type { ScheduledJob } from '../jobs/job-queue';
import { enqueueMail } from '../mail/outbox';

type Tx = Prisma.TransactionClient;

export interface EinvoiceDependencies {
  db: Database;
  provider: InvoiceProvider;
  clock: () => Date;
  logger: Logger;
}

export interface StepSettings {
  /** How long a claim holds a step: far longer than one provider call may take. */
  leaseMs: number;
  batchSize: number;
  /** The first pause after a call without an answer; each next one doubles, up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

const DEFAULT_STEP_SETTINGS: StepSettings = { leaseMs: 5 * 60_000, batchSize: 20, retryDelayMs: 30_000, maxRetryDelayMs: 3600_000 };

/** Failures in a row without an answer after which a step is also on the attention list (still retried). */
export const UNANSWERED_ATTENTION = 5;

type ClaimedStep = InvoiceStep & { claimToken: string };

async function claimDueSteps(db: Database, now: Date, settings: StepSettings): Promise<ClaimedStep[]> {
  const token = randomUUID();
  const until = new Date(now.getTime() + settings.leaseMs);
  return db.$queryRaw<ClaimedStep[]>`
    UPDATE "InvoiceStep" SET "claimedUntil" = ${until}, "claimToken" = ${token}, "attempts" = "attempts" + 1
    WHERE id IN (
      SELECT step.id FROM "InvoiceStep" step
      WHERE step.status = 'pending' AND step."nextAttemptAt" <= ${now}
        AND (step."claimedUntil" IS NULL OR step."claimedUntil" <= ${now})
        AND NOT EXISTS (
          SELECT 1 FROM "InvoiceStep" earlier
          WHERE earlier."invoiceId" = step."invoiceId" AND earlier.id < step.id AND earlier.status <> 'done')
      ORDER BY step.id
      LIMIT ${settings.batchSize}
      FOR UPDATE SKIP LOCKED)
    RETURNING *`;
}

export interface StepsReport {
  done: number;
  unanswered: number;
  refused: number;
}

export const EINVOICE_JOB = 'einvoice';

/**
 * The job every instance of the shop schedules on the shared queue: one pass over the due steps per
 * slot, and one more whenever a commit wrote a step (listenForInvoiceSteps) or a retry was due sooner.
 */
export function einvoiceJob(deps: EinvoiceDependencies, settings?: StepSettings): ScheduledJob {
  return { name: EINVOICE_JOB, kickable: true, run: () => runDueInvoiceSteps(deps, settings) };
}

/** Batches one pass may claim: a step done can make the next step of its invoice due at once. */
const MAX_BATCHES_PER_PASS = 50;

/** One pass: every due step, batch by batch, until none is due; a step that failed waits for a later pass. */
export async function runDueInvoiceSteps(deps: EinvoiceDependencies, settings: StepSettings = DEFAULT_STEP_SETTINGS): Promise<StepsReport> {
  const report: StepsReport = { done: 0, unanswered: 0, refused: 0 };
  for (let batches = 0; batches < MAX_BATCHES_PER_PASS; batches++) {
    const batch = await claimDueSteps(deps.db, deps.clock(), settings);
    if (batch.length === 0) break;
    for (const step of batch) report[await runStep(deps, settings, step)]++;
  }
  if (report.done + report.unanswered + report.refused > 0) deps.logger.info(report, 'einvoice steps run');
  return report;
}

const invoiceInclude = {
  order: { include: { lines: { orderBy: { id: 'asc' } } } },
} as const satisfies Prisma.InvoiceInclude;

type InvoiceWithOrder = Prisma.InvoiceGetPayload<{ include: typeof invoiceInclude }>;

/** A step's result the shop decided itself, before or instead of asking the provider. */
class LocalRefusal extends Error {
  override name = 'LocalRefusal';
}

async function runStep(deps: EinvoiceDependencies, settings: StepSettings, step: ClaimedStep): Promise<keyof StepsReport> {
  const log = deps.logger.child({ invoiceStepId: step.id, invoiceId: step.invoiceId, kind: step.kind, attempt: step.attempts });
  const invoice = await deps.db.invoice.findUniqueOrThrow({ where: { id: step.invoiceId }, include: invoiceInclude });
  const action: InvoiceAction = step.kind === 'issue' ? 'issue' : 'credit';
  try {
    if (step.kind === 'issue') await issue(deps, step, invoice);
    else await credit(deps, step, invoice);
    log.info('einvoice step done');
    return 'done';
  } catch (error) {
    const now = deps.clock();
    if (error instanceof InvoiceProviderRefused || error instanceof LocalRefusal) {
      const code = error instanceof InvoiceProviderRefused ? error.code : null;
      const message = error instanceof InvoiceProviderRefused ? error.providerMessage : error.message;
      log.warn({ code, reason: message }, 'einvoice step refused: on the attention list');
      await deps.db.$transaction(async (tx) => {
        if (!(await finishStep(tx, step, { status: 'refused', lastError: `${code ?? ''} ${message}`.trim().slice(0, 500) }))) return;
        if (step.kind === 'issue') await tx.invoice.updateMany({ where: { id: invoice.id, status: 'pending' }, data: { status: 'refused' } });
        await record(tx, invoice.id, action, 'refused', { code, message });
      });
      return 'refused';
    }
    // No answer, or a defect of ours (logged as an error): the step is tried again later either way.
    const unavailable = error instanceof InvoiceProviderUnavailable ? error : undefined;
    if (!unavailable) log.error({ err: error }, 'einvoice step failed');
    const pause = unavailable?.retryAfterMs ?? Math.min(settings.retryDelayMs * 2 ** step.unansweredInARow, settings.maxRetryDelayMs);
    const retryAt = new Date(now.getTime() + pause);
    const reason = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    if (unavailable) log.warn({ reason, retryAt }, 'einvoice step unanswered; will retry');
    await deps.db.$transaction(async (tx) => {
      const { count } = await tx.invoiceStep.updateMany({
        where: { id: step.id, claimToken: step.claimToken, status: 'pending' },
        data: { claimedUntil: null, claimToken: null, nextAttemptAt: retryAt, unansweredInARow: { increment: 1 }, lastError: reason },
      });
      if (count === 1) await record(tx, invoice.id, action, 'unanswered', { message: reason });
    });
    return 'unanswered';
  }
}

/** Ends the step (done or refused) if it is still pending; false when another run finished it first. */
async function finishStep(tx: Tx, step: ClaimedStep, data: { status: 'done' | 'refused'; lastError?: string; doneAt?: Date }): Promise<boolean> {
  const { count } = await tx.invoiceStep.updateMany({
    where: { id: step.id, status: 'pending' },
    data: { ...data, claimedUntil: null, claimToken: null, unansweredInARow: 0 },
  });
  return count === 1;
}

function record(tx: Tx, invoiceId: string, action: InvoiceAction, outcome: InvoiceOutcome, details: { code?: string | null; message?: string | null } = {}) {
  return tx.invoiceEvent.create({ data: { invoiceId, action, outcome, code: details.code ?? null, message: details.message?.slice(0, 500) ?? null } });
}

function recipientOf(order: InvoiceWithOrder['order']): Recipient {
  switch (order.invoiceRecipient) {
    case 'mobile_barcode':
      return { kind: 'mobile_barcode', barcode: order.invoiceCarrierNumber! };
    case 'citizen_certificate':
      return { kind: 'citizen_certificate', certificate: order.invoiceCarrierNumber! };
    case 'company':
      return { kind: 'company', taxId: order.invoiceTaxId!, companyName: order.invoiceCompanyName! };
    case 'donation':
      return { kind: 'donation', donationCode: order.invoiceDonationCode! };
    default:
      // member_carrier; an invoice is only written for an order with a choice (invoice-queue.ts).
      return { kind: 'member_carrier' };
  }
}

/** The order's lines, then its shipping fee as a line of its own; prices tax included. */
function invoiceLines(order: Pick<InvoiceWithOrder['order'], 'lines' | 'shippingTwd'>): InvoiceLine[] {
  const lines: InvoiceLine[] = order.lines.map((line) => ({
    name: line.nameZh,
    quantity: line.quantity,
    unitPriceTwd: line.unitPriceTwd,
    amountTwd: line.unitPriceTwd * line.quantity,
    unit: '件',
  }));
  if (order.shippingTwd) lines.push({ name: '運費', quantity: 1, unitPriceTwd: order.shippingTwd, amountTwd: order.shippingTwd, unit: '式' });
  return lines;
}

function addressOf(order: InvoiceWithOrder['order']): string | undefined {
  if (!order.city || !order.street) return undefined;
  return `${order.postcode ?? ''} ${order.city}${order.district ?? ''}${order.street}`.trim();
}

async function issue(deps: EinvoiceDependencies, step: ClaimedStep, invoice: InvoiceWithOrder): Promise<void> {
  const { order } = invoice;
  const lines = invoiceLines(order);
  const totalTwd = lines.reduce((sum, line) => sum + line.amountTwd, 0);
  if (totalTwd !== invoice.totalTwd) throw new LocalRefusal(`the order's lines and shipping come to NT$${totalTwd}, its total is NT$${invoice.totalTwd}`);
  // An earlier try may have reached the provider and lost its answer: look before issuing again.
  let issued: IssuedInvoice | undefined = step.attempts > 1 ? await deps.provider.findByReference(invoice.reference) : undefined;
  const found = issued !== undefined;
  issued ??= await deps.provider.issue({
    reference: invoice.reference,
    recipient: recipientOf(order),
    buyer: { name: order.customerName, email: order.email, phone: order.phone, address: addressOf(order) },
    lines,
    totalTwd,
  });
  if (issued.totalTwd !== invoice.totalTwd) {
    throw new LocalRefusal(`the provider holds invoice ${issued.number} under reference ${invoice.reference} for NT$${issued.totalTwd}, not NT$${invoice.totalTwd}`);
  }
  const held = issued;
  await deps.db.$transaction(async (tx) => {
    if (!(await finishStep(tx, step, { status: 'done', doneAt: deps.clock() }))) return;
    await tx.invoice.update({
      where: { id: invoice.id },
      data: {
        status: held.voided ? 'void' : 'issued',
        provider: deps.provider.name,
        number: held.number,
        issuedAt: held.issuedAt,
        randomNumber: held.randomNumber,
        ...(held.voided && { voidedAt: deps.clock() }),
      },
    });
    await record(tx, invoice.id, 'issue', found ? 'found' : 'done', { message: held.number });
    if (!held.voided) await mailNumberIfReceiptWentWithout(tx, order.id);
  });
}

/**
 * The payment-received mail carries the invoice's number when it is composed after the invoice is
 * issued. A receipt a sender already holds or sent may have gone without it, so the number gets a
 * mail of its own (the outbox's one row per order and kind keeps it to one). Locking the receipt's
 * row keeps a sender from claiming it until this commits, after which it reads the number; one
 * claimed just before may carry the number twice, never miss it.
 */
async function mailNumberIfReceiptWentWithout(tx: Tx, orderId: string): Promise<void> {
  const receipts = await tx.$queryRaw<Array<{ composed: boolean }>>`
    SELECT ("sentAt" IS NOT NULL OR "claimToken" IS NOT NULL) AS "composed" FROM "MailOutbox"
    WHERE "orderId" = ${orderId} AND "kind" = 'payment_received'
    FOR UPDATE`;
  if (receipts.some((receipt) => receipt.composed)) await enqueueMail(tx, { orderId, kind: 'invoice_issued' });
}

async function credit(deps: EinvoiceDependencies, step: ClaimedStep, invoice: InvoiceWithOrder): Promise<void> {
  const now = deps.clock();
  if (invoice.status === 'void') {
    // Nothing is left to credit on a void invoice (a later refund's share was part of the void).
    await deps.db.$transaction(async (tx) => {
      if (await finishStep(tx, step, { status: 'done', doneAt: now })) await record(tx, invoice.id, 'credit', 'done', { message: 'void already' });
    });
    return;
  }
  if (invoice.status !== 'issued' || !invoice.number || !invoice.issuedAt) throw new LocalRefusal(`the invoice is ${invoice.status}, not issued`);
  const ref = { number: invoice.number, issuedAt: invoice.issuedAt };
  // Allowances before a void, never a void over an allowance: a whole credit voids only an invoice
  // nothing was credited on, and only inside its period's window.
  if (step.whole && invoice.allowedTwd === 0 && canStillVoid(invoice.issuedAt, now)) {
    await deps.provider.void(ref, `訂單 ${invoice.order.number} 退款`);
    await deps.db.$transaction(async (tx) => {
      if (!(await finishStep(tx, step, { status: 'done', doneAt: now }))) return;
      await tx.invoice.update({ where: { id: invoice.id }, data: { status: 'void', voidedAt: now } });
      await record(tx, invoice.id, 'void', 'done', { message: invoice.number });
    });
    return;
  }
  const remaining = invoice.totalTwd - invoice.allowedTwd;
  const amountTwd = Math.min(step.amountTwd ?? 0, remaining);
  if (amountTwd <= 0) {
    await deps.db.$transaction(async (tx) => {
      if (await finishStep(tx, step, { status: 'done', doneAt: now })) await record(tx, invoice.id, 'allowance', 'done', { message: 'nothing left to credit' });
    });
    return;
  }
  // An earlier try may have made the allowance and lost its answer: the provider's remaining amount says so.
  if (step.attempts > 1) {
    const held = await deps.provider.findByReference(invoice.reference);
    if (held?.remainingTwd !== undefined && held.remainingTwd <= remaining - amountTwd) {
      await saveAllowance(deps, step, invoice, { amountTwd, number: null, issuedAt: now }, 'found');
      return;
    }
  }
  const made = await deps.provider.issueAllowance({
    invoice: ref,
    amountTwd,
    lineName: `訂單 ${invoice.order.number} 退款`,
    notifyEmail: invoice.order.email,
    buyerName: invoice.order.customerName,
  });
  await saveAllowance(deps, step, invoice, { amountTwd, number: made.number, issuedAt: made.issuedAt }, 'done');
}

async function saveAllowance(
  deps: EinvoiceDependencies,
  step: ClaimedStep,
  invoice: InvoiceWithOrder,
  allowance: { amountTwd: number; number: string | null; issuedAt: Date },
  outcome: 'done' | 'found',
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    if (!(await finishStep(tx, step, { status: 'done', doneAt: deps.clock() }))) return;
    await tx.invoiceAllowance.create({ data: { invoiceId: invoice.id, stepId: step.id, ...allowance } });
    await tx.invoice.update({ where: { id: invoice.id }, data: { allowedTwd: { increment: allowance.amountTwd } } });
    await record(tx, invoice.id, 'allowance', outcome, { message: `${allowance.number ?? '?'} ${allowance.amountTwd}` });
  });
}
