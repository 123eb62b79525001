// The invoices for the back office's list and the accountant's CSV: a page of invoices (the engine's
// listInvoices, src/einvoice/) with the order's invoice choice beside each, and the CSV of every
// invoice of a filter, read a page at a time so that a year of invoices never sits in memory.
import type { Database } from '../db/prisma';
import { listInvoices, type InvoiceFilter, type InvoiceListItem } from '../einvoice/invoice-records';
import type { Locale } from '../i18n/locales';
import type { Translate } from '../i18n/translate';
import { statusLabel } from '../orders/status-labels';
import { taipeiDate } from '../time/taipei';
import { CSV_BOM, csvRow } from './csv';

/** The back office's filters, by the words the merchant uses; "failed" is anything the provider refused or long left unanswered. */
export const INVOICE_LIST_FILTERS = ['issued', 'void', 'allowance', 'failed'] as const;
export type InvoiceListFilter = (typeof INVOICE_LIST_FILTERS)[number];

const ENGINE_FILTER: Record<InvoiceListFilter, InvoiceFilter> = { issued: 'issued', void: 'void', allowance: 'allowance', failed: 'attention' };

const INVOICE_PAGE = 50;
const EXPORT_BATCH = 500;

export interface InvoiceRow extends InvoiceListItem {
  recipient: {
    invoiceRecipient: string | null;
    invoiceCarrierNumber: string | null;
    invoiceTaxId: string | null;
    invoiceCompanyName: string | null;
    invoiceDonationCode: string | null;
  };
}

async function withRecipients(db: Database, invoices: InvoiceListItem[]): Promise<InvoiceRow[]> {
  const orders = await db.order.findMany({
    where: { id: { in: invoices.map((invoice) => invoice.orderId) } },
    select: { id: true, invoiceRecipient: true, invoiceCarrierNumber: true, invoiceTaxId: true, invoiceCompanyName: true, invoiceDonationCode: true },
  });
  const byId = new Map(orders.map(({ id, ...recipient }) => [id, recipient]));
  const none = { invoiceRecipient: null, invoiceCarrierNumber: null, invoiceTaxId: null, invoiceCompanyName: null, invoiceDonationCode: null };
  return invoices.map((invoice) => ({ ...invoice, recipient: byId.get(invoice.orderId) ?? none }));
}

/** One page, newest first; `next` continues after its last row. */
export async function invoicePage(db: Database, filter: InvoiceListFilter | undefined, after: string | undefined): Promise<{ rows: InvoiceRow[]; next: string | undefined }> {
  const page = await listInvoices(db, { ...(filter && { status: ENGINE_FILTER[filter] }), ...(after && { after }), limit: INVOICE_PAGE });
  return { rows: await withRecipients(db, page.invoices), next: page.next };
}

/** Every invoice of the filter, in batches, newest first. */
export async function* invoicesForExport(db: Database, filter: InvoiceListFilter | undefined): AsyncGenerator<InvoiceRow[]> {
  let after: string | undefined;
  do {
    const page = await listInvoices(db, { ...(filter && { status: ENGINE_FILTER[filter] }), ...(after && { after }), limit: EXPORT_BATCH });
    if (page.invoices.length > 0) yield withRecipients(db, page.invoices);
    after = page.next;
  } while (after);
}

const CSV_COLUMNS = [
  'admin.invoices.csv.order', 'admin.invoices.csv.number', 'admin.invoices.csv.date', 'admin.invoices.csv.random', 'admin.invoices.csv.status',
  'admin.invoices.csv.recipient', 'admin.invoices.csv.carrier', 'admin.invoices.csv.taxId', 'admin.invoices.csv.company', 'admin.invoices.csv.donation',
  'admin.invoices.csv.total', 'admin.invoices.csv.allowed', 'admin.invoices.csv.remaining', 'admin.invoices.csv.voided',
] as const;

export function invoiceCsvHeading(t: Translate): string {
  return CSV_BOM + csvRow(CSV_COLUMNS.map((key) => t(key)));
}

/** Dates as Taipei days (yyyy-mm-dd), the invoice's own calendar; amounts in whole NT$, tax included. */
export function invoiceCsvRows(rows: readonly InvoiceRow[], locale: Locale): string {
  return rows
    .map((row) =>
      csvRow([
        row.orderNumber,
        row.number,
        row.issuedAt && taipeiDate(row.issuedAt),
        row.randomNumber,
        statusLabel('invoice', row.status, locale),
        statusLabel('invoiceRecipient', row.recipient.invoiceRecipient, locale),
        row.recipient.invoiceCarrierNumber,
        row.recipient.invoiceTaxId,
        row.recipient.invoiceCompanyName,
        row.recipient.invoiceDonationCode,
        row.totalTwd,
        row.allowedTwd,
        row.status === 'void' ? 0 : row.totalTwd - row.allowedTwd,
        row.voidedAt && taipeiDate(row.voidedAt),
      ]),
    )
    .join('');
}
