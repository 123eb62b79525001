import { deliverConsent, type ConsentDelivery } from './consent';
import type { EinvoiceMerchant } from './crypto';
import type { FaultBook, Faults } from './faults';
import { allowanceStatus, remainingAllowable, type AllowanceStatus, type Invoice, type InvoiceBook } from './invoices';
import { taiwanDateTime } from './taiwan-time';

/** A control request that cannot be done, with the HTTP status the control API answers it with. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export interface AllowanceView {
  allowanceNo: string;
  amount: number;
  date: string;
  status: AllowanceStatus;
  online: boolean;
  expiresAt?: string;
  agreedAt?: string;
  voidedAt?: string;
  voidReason?: string;
}

/** An issued invoice as tests and the console see it; dates are Taiwan time `yyyy-MM-dd HH:mm:ss`. */
export interface InvoiceView {
  merchantId: string;
  invoiceNo: string;
  invoiceDate: string;
  randomNumber: string;
  relateNumber: string;
  salesAmount: number;
  taxAmount: number;
  remainingAllowance: number;
  print: boolean;
  donation: boolean;
  loveCode?: string;
  carrierType: string;
  carrierNum: string;
  customerIdentifier?: string;
  customerName?: string;
  status: 'issued' | 'void';
  voidedAt?: string;
  voidReason?: string;
  allowances: AllowanceView[];
  notices: { tag: string; notify: string; notified: string; allowanceNo?: string; at: string }[];
  items: { seq: number; name: string; count: number; word: string; price: number; amount: number }[];
}

function view(invoice: Invoice, now: Date): InvoiceView {
  const r = invoice.request;
  return {
    merchantId: invoice.merchantId,
    invoiceNo: invoice.invoiceNo,
    invoiceDate: taiwanDateTime(invoice.issuedAt),
    randomNumber: invoice.randomNumber,
    relateNumber: r.RelateNumber,
    salesAmount: r.SalesAmount,
    taxAmount: invoice.taxAmount,
    remainingAllowance: remainingAllowable(invoice, now),
    print: r.Print === '1',
    donation: r.Donation === '1',
    ...(r.LoveCode ? { loveCode: r.LoveCode } : {}),
    carrierType: r.CarrierType,
    carrierNum: invoice.carrierNum,
    ...(r.CustomerIdentifier ? { customerIdentifier: r.CustomerIdentifier } : {}),
    ...(r.CustomerName ? { customerName: r.CustomerName } : {}),
    status: invoice.voided ? 'void' : 'issued',
    ...(invoice.voided ? { voidedAt: taiwanDateTime(invoice.voided.at), voidReason: invoice.voided.reason } : {}),
    allowances: invoice.allowances.map((a) => ({
      allowanceNo: a.allowanceNo,
      amount: a.amount,
      date: taiwanDateTime(a.createdAt),
      status: allowanceStatus(a, now),
      online: a.online !== undefined,
      ...(a.online ? { expiresAt: taiwanDateTime(a.online.expiresAt) } : {}),
      ...(a.online?.agreedAt ? { agreedAt: taiwanDateTime(a.online.agreedAt) } : {}),
      ...(a.voided ? { voidedAt: taiwanDateTime(a.voided.at), voidReason: a.voided.reason } : {}),
    })),
    notices: invoice.notices.map((n) => ({ ...n, at: taiwanDateTime(n.at) })),
    items: r.Items.map((i) => ({ seq: i.ItemSeq, name: i.ItemName, count: i.ItemCount, word: i.ItemWord, price: i.ItemPrice, amount: i.ItemAmount })),
  };
}

/** What tests and the console may do to a running sandbox besides calling its API. */
export class EinvoiceSandboxControl {
  constructor(
    private readonly book: InvoiceBook,
    private readonly faultBook: FaultBook,
    private readonly merchants: readonly EinvoiceMerchant[],
    private readonly clock: () => Date,
  ) {}

  /** Replaces the faults in force; throws a ZodError when they are not valid. */
  setFaults(faults: Faults): Faults {
    this.faultBook.set(faults);
    return this.faultBook.current();
  }

  faults(): Faults {
    return this.faultBook.current();
  }

  /** Every invoice issued, oldest first. */
  invoices(): InvoiceView[] {
    const now = this.clock();
    return this.book.all().map((invoice) => view(invoice, now));
  }

  /**
   * The buyer agrees to a pending online allowance: it comes into force and the merchant's
   * ReturnURL is told, as ECPay does. Throws ControlError 404 or 409 when there is no such pending allowance.
   */
  async agreeAllowance(allowanceNo: string): Promise<ConsentDelivery> {
    const found = this.book.allowanceByNumber(allowanceNo);
    if (!found?.allowance.online) throw new ControlError(404, `no online allowance ${allowanceNo}`);
    const now = this.clock();
    if (!this.book.agree(found.allowance, now)) throw new ControlError(409, `allowance ${allowanceNo} is ${allowanceStatus(found.allowance, now)}, not pending`);
    const merchant = this.merchants.find((m) => m.merchantId === found.invoice.merchantId)!;
    return deliverConsent(found.invoice, found.allowance, merchant, now);
  }

  /** Forgets every invoice and fault; numbering starts again at the track's first number. */
  reset(): void {
    this.book.reset();
    this.faultBook.set({});
  }
}
