// The e-invoice provider in the shop's terms: what the rest of the shop asks of whichever company
// issues its uniform invoices (ECPay today, src/einvoice/ecpay/; ezPay or Amego could follow), and
// the two ways a call can fail. Amounts are whole NT$, tax included; times are instants.
import type { InvoiceRecipient } from '../generated/prisma/client';

/** Where the buyer's invoice goes: the order's choice (Order.invoiceRecipient) with its values. */
export type Recipient =
  | { kind: Extract<InvoiceRecipient, 'member_carrier'> }
  | { kind: Extract<InvoiceRecipient, 'mobile_barcode'>; barcode: string }
  | { kind: Extract<InvoiceRecipient, 'citizen_certificate'>; certificate: string }
  | { kind: Extract<InvoiceRecipient, 'company'>; taxId: string; companyName: string }
  | { kind: Extract<InvoiceRecipient, 'donation'>; donationCode: string };

export interface InvoiceLine {
  name: string;
  quantity: number;
  /** What one costs, tax included. */
  unitPriceTwd: number;
  /** quantity × unitPriceTwd. */
  amountTwd: number;
  /** The unit word printed beside the quantity (件, 式). */
  unit: string;
}

export interface IssueRequest {
  /** The shop's own reference, derived from the order: the same on every try, so a retry is recognised. */
  reference: string;
  recipient: Recipient;
  buyer: { name: string; email: string; phone: string; address: string | undefined };
  lines: readonly InvoiceLine[];
  /** The sum of the lines. */
  totalTwd: number;
}

export interface IssuedInvoice {
  number: string;
  /** When the provider dated it. */
  issuedAt: Date;
  randomNumber: string;
  totalTwd: number;
  /** The provider's own flag: voided at the provider. */
  voided: boolean;
  /** What may still be credited by allowances, when the provider says. */
  remainingTwd: number | undefined;
}

export interface InvoiceRef {
  number: string;
  issuedAt: Date;
}

export interface AllowanceRequest {
  invoice: InvoiceRef;
  amountTwd: number;
  /** The one line the allowance credits, e.g. "退款 FS…". */
  lineName: string;
  notifyEmail: string;
  buyerName: string;
}

export interface IssuedAllowance {
  number: string;
  issuedAt: Date;
  /** What the invoice may still be credited afterwards, as the provider counts it. */
  remainingTwd: number | undefined;
}

export interface InvoiceProvider {
  /** Stored on each invoice, e.g. "ecpay". */
  readonly name: string;
  /** Issues the invoice; a reference the provider already holds answers with the invoice it holds. */
  issue(request: IssueRequest): Promise<IssuedInvoice>;
  /** The invoice issued for `reference`, or undefined when the provider has none. */
  findByReference(reference: string): Promise<IssuedInvoice | undefined>;
  /** Voids the invoice; one already void counts as done. */
  void(invoice: InvoiceRef, reason: string): Promise<void>;
  issueAllowance(request: AllowanceRequest): Promise<IssuedAllowance>;
  /** Whether a mobile barcode exists at the Ministry of Finance. */
  mobileBarcodeExists(barcode: string): Promise<boolean>;
  /** Whether a donation code names a charity; with its name when the provider gives one. */
  donationCodeExists(code: string): Promise<{ exists: boolean; charity?: string }>;
}

/** No usable answer (timeout, network, rate limit, the provider or the tax office busy): try again later. */
export class InvoiceProviderUnavailable extends Error {
  override name = 'InvoiceProviderUnavailable';
  constructor(
    message: string,
    /** Whether the request may have been acted on (a timeout after sending), so a retry must look first. */
    readonly mayHaveActed: boolean,
    /** The provider asked for a pause this long (its rate limit). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The provider answered no. `code` and `providerMessage` are its own, for the merchant to read. */
export class InvoiceProviderRefused extends Error {
  override name = 'InvoiceProviderRefused';
  constructor(readonly code: string, readonly providerMessage: string) {
    super(`refused ${code}: ${providerMessage}`);
  }
}
