// Reading invoices for the pages (the order page, My orders, the e-mails, the back office's list
// and CSV): one order's invoice with its allowances, steps and history, a page of orders' invoices
// at once, and the invoices in pages, newest first, with keyset paging (no OFFSET: a page costs the
// same however deep).
import type { Database } from '../db/prisma';
import type { InvoiceAction, InvoiceOutcome, InvoiceStatus, InvoiceStepKind, InvoiceStepStatus, Prisma } from '../generated/prisma/client';
import { UNANSWERED_ATTENTION } from './invoice-steps';

export interface InvoiceAllowanceView {
  amountTwd: number;
  /** Null only when the provider made it and its answer was lost. */
  number: string | null;
  issuedAt: Date;
}

export interface InvoiceStepView {
  id: number;
  kind: InvoiceStepKind;
  status: InvoiceStepStatus;
  amountTwd: number | null;
  attempts: number;
  lastError: string | null;
  /** Refused, or unanswered UNANSWERED_ATTENTION times in a row: the merchant may retry it. */
  needsAttention: boolean;
}

export interface InvoiceEventView {
  action: InvoiceAction;
  outcome: InvoiceOutcome;
  code: string | null;
  message: string | null;
  actor: string;
  at: Date;
}

export interface InvoiceView {
  id: string;
  orderId: string;
  status: InvoiceStatus;
  provider: string | null;
  number: string | null;
  issuedAt: Date | null;
  randomNumber: string | null;
  totalTwd: number;
  /** Credited by allowances so far. */
  allowedTwd: number;
  voidedAt: Date | null;
  allowances: InvoiceAllowanceView[];
  steps: InvoiceStepView[];
  /** Oldest first. */
  history: InvoiceEventView[];
  needsAttention: boolean;
}

const stepNeedsAttention = (step: { status: InvoiceStepStatus; unansweredInARow: number }) =>
  step.status === 'refused' || (step.status === 'pending' && step.unansweredInARow >= UNANSWERED_ATTENTION);

/** The order's invoice, or undefined when it has none (no invoice choice, or not paid yet). */
export async function invoiceForOrder(db: Database, orderId: string): Promise<InvoiceView | undefined> {
  const invoice = await db.invoice.findUnique({
    where: { orderId },
    include: {
      allowances: { orderBy: { issuedAt: 'asc' } },
      steps: { orderBy: { id: 'asc' } },
      events: { orderBy: { id: 'asc' } },
    },
  });
  if (!invoice) return undefined;
  const steps = invoice.steps.map((step) => ({
    id: step.id,
    kind: step.kind,
    status: step.status,
    amountTwd: step.amountTwd,
    attempts: step.attempts,
    lastError: step.lastError,
    needsAttention: stepNeedsAttention(step),
  }));
  return {
    id: invoice.id,
    orderId: invoice.orderId,
    status: invoice.status,
    provider: invoice.provider,
    number: invoice.number,
    issuedAt: invoice.issuedAt,
    randomNumber: invoice.randomNumber,
    totalTwd: invoice.totalTwd,
    allowedTwd: invoice.allowedTwd,
    voidedAt: invoice.voidedAt,
    allowances: invoice.allowances.map(({ amountTwd, number, issuedAt }) => ({ amountTwd, number, issuedAt })),
    steps,
    history: invoice.events.map(({ action, outcome, code, message, actor, createdAt }) => ({ action, outcome, code, message, actor, at: createdAt })),
    needsAttention: steps.some((step) => step.needsAttention),
  };
}

/** What My orders shows of an invoice: its status and, once issued, its number, date and random number. */
type InvoiceSummary = Pick<InvoiceView, 'id' | 'orderId' | 'status' | 'number' | 'issuedAt' | 'randomNumber' | 'totalTwd' | 'allowedTwd' | 'voidedAt'>;

/** The invoices of many orders in one statement (a page of My orders), by order id; an order without one is absent. */
export async function invoicesForOrders(db: Database, orderIds: readonly string[]): Promise<Record<string, InvoiceSummary>> {
  if (orderIds.length === 0) return {};
  const rows = await db.invoice.findMany({
    where: { orderId: { in: [...orderIds] } },
    select: { id: true, orderId: true, status: true, number: true, issuedAt: true, randomNumber: true, totalTwd: true, allowedTwd: true, voidedAt: true },
  });
  return Object.fromEntries(rows.map((row) => [row.orderId, row]));
}

/**
 * The back office's filter: an invoice status, "allowance" (credited by at least one allowance) or
 * "attention" (a step refused, or long unanswered).
 */
export type InvoiceFilter = InvoiceStatus | 'allowance' | 'attention';

export interface InvoiceListItem {
  id: string;
  orderId: string;
  orderNumber: string;
  status: InvoiceStatus;
  number: string | null;
  issuedAt: Date | null;
  randomNumber: string | null;
  totalTwd: number;
  allowedTwd: number;
  voidedAt: Date | null;
  createdAt: Date;
  needsAttention: boolean;
}

export interface InvoicePage {
  invoices: InvoiceListItem[];
  /** Pass as `after` for the next page; undefined on the last one. */
  next: string | undefined;
}

/** Where a page starts: the last invoice of the page before, as createdAt and id. */
function readCursor(after: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!after) return undefined;
  const [time, id] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(Number(time));
  return id && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : undefined;
}

const cursorOf = (invoice: { createdAt: Date; id: string }) => Buffer.from(`${invoice.createdAt.getTime()}|${invoice.id}`).toString('base64url');

function filterWhere(filter: InvoiceFilter | undefined): Prisma.InvoiceWhereInput {
  if (filter === undefined) return {};
  if (filter === 'allowance') return { allowedTwd: { gt: 0 } };
  if (filter === 'attention') {
    return { steps: { some: { OR: [{ status: 'refused' }, { status: 'pending', unansweredInARow: { gte: UNANSWERED_ATTENTION } }] } } };
  }
  return { status: filter };
}

/** Newest first; an unreadable `after` starts from the top. `limit` is capped at 500. */
export async function listInvoices(db: Database, options: { status?: InvoiceFilter; after?: string; limit: number }): Promise<InvoicePage> {
  const limit = Math.max(1, Math.min(500, Math.floor(options.limit)));
  const cursor = readCursor(options.after);
  const rows = await db.invoice.findMany({
    where: {
      ...filterWhere(options.status),
      ...(cursor && { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] }),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    include: { order: { select: { number: true } }, steps: { select: { status: true, unansweredInARow: true } } },
  });
  const page = rows.slice(0, limit);
  return {
    invoices: page.map((row) => ({
      id: row.id,
      orderId: row.orderId,
      orderNumber: row.order.number,
      status: row.status,
      number: row.number,
      issuedAt: row.issuedAt,
      randomNumber: row.randomNumber,
      totalTwd: row.totalTwd,
      allowedTwd: row.allowedTwd,
      voidedAt: row.voidedAt,
      createdAt: row.createdAt,
      needsAttention: row.steps.some(stepNeedsAttention),
    })),
    next: rows.length > limit ? cursorOf(page[page.length - 1]!) : undefined,
  };
}
