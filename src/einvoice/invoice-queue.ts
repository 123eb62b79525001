// Writing an invoice's steps, inside the transaction of the change that owes them, like the mail
// outbox (src/mail/outbox.ts): the order becoming paid writes its invoice and the step that issues
// it; a booked refund writes the step that credits the invoice what the refund gave back. A change
// rolled back writes none; a committed one cannot lose its step; a replayed one writes nothing more
// (the unique order of Invoice, the unique refund of InvoiceStep). The commit wakes the einvoice job
// of every process (listenForInvoiceSteps).
import type { Logger } from 'pino';
import { listenToChannel, type ChannelListener } from '../db/channel-listener';
import type { Prisma } from '../generated/prisma/client';
import { TOOK_MONEY } from '../payments/payment-states';

type Tx = Prisma.TransactionClient;

const STEPS_CHANNEL = 'einvoice_steps';

/** The reference the provider knows the order's invoice by: its number, letters and digits only (at most 30). */
function invoiceReference(orderNumber: string): string {
  return orderNumber.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 30);
}

/** Raised on commit only: wakes the einvoice job of every process (listenForInvoiceSteps). */
export const wakeInvoiceSteps = (tx: Tx) => tx.$executeRaw`SELECT pg_notify(${STEPS_CHANNEL}, '')`;

/** What an order's invoice is written from, when the caller has just read it. */
export interface OrderToInvoice {
  id: string;
  number: string;
  totalTwd: number;
  invoiceRecipient: string | null;
}

/**
 * The order just became paid: its invoice, to be issued, when it has an invoice choice (orders
 * placed before e-invoices, or while they were off, have none). True when this call wrote it.
 */
export async function enqueueInvoiceIssue(tx: Tx, order: string | OrderToInvoice): Promise<boolean> {
  const { id: orderId, number, totalTwd, invoiceRecipient } =
    typeof order === 'string' ? await tx.order.findUniqueOrThrow({ where: { id: order }, select: { id: true, number: true, totalTwd: true, invoiceRecipient: true } }) : order;
  if (invoiceRecipient === null) return false;
  const [invoice] = await tx.invoice.createManyAndReturn({
    data: [{ orderId, reference: invoiceReference(number), totalTwd }],
    skipDuplicates: true,
    select: { id: true },
  });
  if (!invoice) return false;
  await tx.invoiceStep.create({ data: { invoiceId: invoice.id, kind: 'issue' } });
  await tx.invoiceEvent.create({ data: { invoiceId: invoice.id, action: 'issue', outcome: 'queued' } });
  await wakeInvoiceSteps(tx);
  return true;
}

/**
 * A refund of the order was booked (its attempts' refunded amounts already updated, the order's row
 * locked): the invoice is owed back what the order no longer holds of its total, less what earlier
 * credits took. Refunding a duplicate payment leaves the order holding its total, so it owes the
 * invoice nothing. A credit that leaves the invoice nothing is "whole": a void if the window allows.
 */
export async function enqueueInvoiceCredit(tx: Tx, orderId: string, refundId: string): Promise<boolean> {
  const invoice = await tx.invoice.findUnique({
    where: { orderId },
    select: { id: true, totalTwd: true, steps: { where: { kind: 'credit' }, select: { amountTwd: true } } },
  });
  if (!invoice) return false;
  const payments = await tx.payment.findMany({ where: { orderId }, select: { status: true, amount: true, refundedAmount: true } });
  // TWD×100, as the attempts count it; refunds are whole NT$.
  const held = payments.filter((payment) => TOOK_MONEY.has(payment.status)).reduce((sum, payment) => sum + payment.amount - payment.refundedAmount, 0);
  const owed = Math.max(0, invoice.totalTwd - Math.floor(held / 100));
  const credited = invoice.steps.reduce((sum, step) => sum + (step.amountTwd ?? 0), 0);
  const amountTwd = owed - credited;
  if (amountTwd <= 0) return false;
  const whole = credited + amountTwd >= invoice.totalTwd;
  const written = await tx.invoiceStep.createMany({ data: [{ invoiceId: invoice.id, kind: 'credit', amountTwd, whole, refundId }], skipDuplicates: true });
  if (written.count === 0) return false;
  await tx.invoiceEvent.create({ data: { invoiceId: invoice.id, action: 'credit', outcome: 'queued', message: String(amountTwd) } });
  await wakeInvoiceSteps(tx);
  return true;
}

/** Every process's einvoice job runs as soon as a commit wrote a step; scheduled passes cover the rest. */
export function listenForInvoiceSteps(options: { databaseUrl: string; logger: Logger; onWake: () => void }): Promise<ChannelListener> {
  return listenToChannel({
    databaseUrl: options.databaseUrl,
    channel: STEPS_CHANNEL,
    logger: options.logger,
    onNotification: options.onWake,
    onListening: options.onWake,
  });
}
