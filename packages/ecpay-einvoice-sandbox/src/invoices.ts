// The sandbox's memory of issued invoices and their allowances, and the rules that change them:
// numbers from the track, one invoice per RelateNumber, the void window, what is left to allow.
import { randomBytes, randomInt } from 'node:crypto';
import { EinvoiceRefusal, RTN } from './codes';
import type { InvoiceItem, IssueRequest } from './issue-rules';
import { taiwanDate, taiwanMinuteDigits, voidDeadline } from './taiwan-time';

/** 字軌: two letters and the eight-digit numbers allotted to the sandbox. */
export interface InvoiceTrack {
  letters: string;
  from: number;
  to: number;
}

export interface Allowance {
  allowanceNo: string;
  amount: number;
  createdAt: Date;
  items: InvoiceItem[];
  notify: string;
  customerName?: string;
  voided?: { at: Date; reason: string };
}

export interface Notice {
  tag: string;
  notify: string;
  notified: string;
  allowanceNo?: string;
  at: Date;
}

export interface Invoice {
  merchantId: string;
  invoiceNo: string;
  randomNumber: string;
  issuedAt: Date;
  request: IssueRequest;
  /** The carrier number as stored: a member carrier sent empty gets a 32-hex number, as ECPay assigns. */
  carrierNum: string;
  taxAmount: number;
  voided?: { at: Date; reason: string };
  allowances: Allowance[];
  notices: Notice[];
}

export interface NewAllowance {
  amount: number;
  items: InvoiceItem[];
  notify: string;
  customerName?: string;
}

/** What is left to credit: the sales amount less every allowance not voided. */
export function remainingAllowable(invoice: Invoice): number {
  return invoice.request.SalesAmount - invoice.allowances.filter((a) => !a.voided).reduce((sum, a) => sum + a.amount, 0);
}

/** Tax in a tax-included amount at 5 %, for a TaxType 1 invoice that did not state it. */
function includedTax(request: IssueRequest): number {
  if (request.TaxAmount !== undefined) return request.TaxAmount;
  if (request.TaxType !== '1' || request.vat === '0') return 0;
  return request.SalesAmount - Math.round(request.SalesAmount / 1.05);
}

export class InvoiceBook {
  #invoices: Invoice[] = [];
  #next: number;
  #allowanceSeq = 0;

  constructor(private readonly track: InvoiceTrack) {
    this.#next = track.from;
  }

  all(): readonly Invoice[] {
    return this.#invoices;
  }

  reset(): void {
    this.#invoices = [];
    this.#next = this.track.from;
    this.#allowanceSeq = 0;
  }

  issue(merchantId: string, request: IssueRequest, now: Date): Invoice {
    if (this.byRelateNumber(merchantId, request.RelateNumber)) throw new EinvoiceRefusal(RTN.DUPLICATE_RELATE_NUMBER, request.RelateNumber);
    if (this.#next > this.track.to) throw new EinvoiceRefusal(RTN.TRACK_EXHAUSTED);
    const invoice: Invoice = {
      merchantId,
      invoiceNo: `${this.track.letters}${String(this.#next).padStart(8, '0')}`,
      randomNumber: String(randomInt(0, 10_000)).padStart(4, '0'),
      issuedAt: now,
      request,
      carrierNum: request.CarrierType === '1' && !request.CarrierNum ? randomBytes(16).toString('hex') : (request.CarrierNum ?? ''),
      taxAmount: includedTax(request),
      allowances: [],
      notices: [],
    };
    this.#next += 1;
    this.#invoices.push(invoice);
    return invoice;
  }

  /** RelateNumbers are the merchant's and compared without regard to case. */
  byRelateNumber(merchantId: string, relateNumber: string): Invoice | undefined {
    const wanted = relateNumber.toUpperCase();
    return this.#invoices.find((i) => i.merchantId === merchantId && i.request.RelateNumber.toUpperCase() === wanted);
  }

  /**
   * The invoice by number, and by date (`yyyy-MM-dd`, a time after it is ignored) where the service
   * sends one; RtnCode 2 when either does not match.
   */
  find(merchantId: string, invoiceNo: string, invoiceDate?: string): Invoice {
    const invoice = this.#invoices.find((i) => i.merchantId === merchantId && i.invoiceNo === invoiceNo);
    if (!invoice) throw new EinvoiceRefusal(RTN.INVOICE_NOT_FOUND);
    if (invoiceDate !== undefined && taiwanDate(invoice.issuedAt) !== invoiceDate.slice(0, 10)) throw new EinvoiceRefusal(RTN.INVOICE_NOT_FOUND);
    return invoice;
  }

  findAllowance(invoice: Invoice, allowanceNo: string): Allowance {
    const allowance = invoice.allowances.find((a) => a.allowanceNo === allowanceNo);
    if (!allowance) throw new EinvoiceRefusal(RTN.ALLOWANCE_NOT_FOUND);
    return allowance;
  }

  void(invoice: Invoice, reason: string, now: Date): void {
    if (invoice.voided) throw new EinvoiceRefusal(RTN.ALREADY_VOID);
    if (invoice.allowances.some((a) => !a.voided)) throw new EinvoiceRefusal(RTN.VOID_HAS_ALLOWANCE);
    if (now.getTime() > voidDeadline(invoice.issuedAt).getTime()) throw new EinvoiceRefusal(RTN.VOID_WINDOW_CLOSED);
    invoice.voided = { at: now, reason };
  }

  allow(invoice: Invoice, allowance: NewAllowance, now: Date): Allowance {
    if (invoice.voided) throw new EinvoiceRefusal(RTN.ALREADY_VOID);
    if (allowance.amount > remainingAllowable(invoice)) throw new EinvoiceRefusal(RTN.ALLOWANCE_OVER_REMAINING);
    this.#allowanceSeq += 1;
    const created: Allowance = {
      ...allowance,
      allowanceNo: `${taiwanMinuteDigits(now)}${String(this.#allowanceSeq % 10_000).padStart(4, '0')}`,
      createdAt: now,
    };
    invoice.allowances.push(created);
    return created;
  }

  voidAllowance(allowance: Allowance, reason: string, now: Date): void {
    if (allowance.voided) throw new EinvoiceRefusal(RTN.ALLOWANCE_ALREADY_VOID);
    allowance.voided = { at: now, reason };
  }
}
