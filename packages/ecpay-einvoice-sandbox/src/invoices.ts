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
  /** An online allowance (AllowanceByCollegiate): it exists once the buyer agrees, before its expiry. */
  online?: { returnUrl: string; expiresAt: Date; agreedAt?: Date };
  voided?: { at: Date; reason: string };
}

/** valid: in force; pending: online, awaiting the buyer; expired: online, never agreed; void: voided or cancelled. */
export type AllowanceStatus = 'valid' | 'pending' | 'expired' | 'void';

/** ECPay's consent link for an online allowance is valid 72 hours (PROTOCOL.md, online allowance). */
const ONLINE_CONSENT_MS = 72 * 60 * 60 * 1000;

export function allowanceStatus(allowance: Allowance, now: Date): AllowanceStatus {
  if (allowance.voided) return 'void';
  if (!allowance.online || allowance.online.agreedAt) return 'valid';
  return now.getTime() > allowance.online.expiresAt.getTime() ? 'expired' : 'pending';
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
  /** Makes it an online allowance, pending until the buyer agrees. */
  returnUrl?: string;
}

/** Allowances in force or awaiting the buyer's consent: they hold their amount and bar a void. */
const holding = (allowance: Allowance, now: Date) => ['valid', 'pending'].includes(allowanceStatus(allowance, now));

/** What is left to credit: the sales amount less every allowance in force or pending (UNVERIFIED for pending ones). */
export function remainingAllowable(invoice: Invoice, now: Date): number {
  return invoice.request.SalesAmount - invoice.allowances.filter((a) => holding(a, now)).reduce((sum, a) => sum + a.amount, 0);
}

/** Tax in a tax-included amount at 5 %, for a TaxType 1 invoice that did not state it. */
function includedTax(request: IssueRequest): number {
  if (request.TaxAmount !== undefined) return request.TaxAmount;
  if (request.TaxType !== '1' || request.vat === '0') return 0;
  return request.SalesAmount - Math.round(request.SalesAmount / 1.05);
}

const relateKey = (merchantId: string, relateNumber: string) => `${merchantId}\n${relateNumber.toUpperCase()}`;

// Indexed by RelateNumber, invoice number and allowance number, so a long run (a benchmark issuing
// an invoice per order) does not slow down with every invoice it keeps.
export class InvoiceBook {
  #invoices: Invoice[] = [];
  #byRelate = new Map<string, Invoice>();
  #byNumber = new Map<string, Invoice>();
  #byAllowance = new Map<string, { invoice: Invoice; allowance: Allowance }>();
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
    this.#byRelate.clear();
    this.#byNumber.clear();
    this.#byAllowance.clear();
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
    this.#byRelate.set(relateKey(merchantId, request.RelateNumber), invoice);
    this.#byNumber.set(invoice.invoiceNo, invoice);
    return invoice;
  }

  /** RelateNumbers are the merchant's and compared without regard to case. */
  byRelateNumber(merchantId: string, relateNumber: string): Invoice | undefined {
    return this.#byRelate.get(relateKey(merchantId, relateNumber));
  }

  /**
   * The invoice by number, and by date (`yyyy-MM-dd`, a time after it is ignored) where the service
   * sends one; RtnCode 2 when either does not match.
   */
  find(merchantId: string, invoiceNo: string, invoiceDate?: string): Invoice {
    const invoice = this.#byNumber.get(invoiceNo);
    if (invoice?.merchantId !== merchantId) throw new EinvoiceRefusal(RTN.INVOICE_NOT_FOUND);
    if (invoiceDate !== undefined && taiwanDate(invoice.issuedAt) !== invoiceDate.slice(0, 10)) throw new EinvoiceRefusal(RTN.INVOICE_NOT_FOUND);
    return invoice;
  }

  /** The invoice and allowance of an allowance number, among every merchant's. */
  allowanceByNumber(allowanceNo: string): { invoice: Invoice; allowance: Allowance } | undefined {
    return this.#byAllowance.get(allowanceNo);
  }

  findAllowance(invoice: Invoice, allowanceNo: string): Allowance {
    const found = this.#byAllowance.get(allowanceNo);
    if (found?.invoice !== invoice) throw new EinvoiceRefusal(RTN.ALLOWANCE_NOT_FOUND);
    return found.allowance;
  }

  void(invoice: Invoice, reason: string, now: Date): void {
    if (invoice.voided) throw new EinvoiceRefusal(RTN.ALREADY_VOID);
    if (invoice.allowances.some((a) => holding(a, now))) throw new EinvoiceRefusal(RTN.VOID_HAS_ALLOWANCE);
    if (now.getTime() > voidDeadline(invoice.issuedAt).getTime()) throw new EinvoiceRefusal(RTN.VOID_WINDOW_CLOSED);
    invoice.voided = { at: now, reason };
  }

  allow(invoice: Invoice, allowance: NewAllowance, now: Date): Allowance {
    if (invoice.voided) throw new EinvoiceRefusal(RTN.ALREADY_VOID);
    if (allowance.amount > remainingAllowable(invoice, now)) throw new EinvoiceRefusal(RTN.ALLOWANCE_OVER_REMAINING);
    const { returnUrl, ...fields } = allowance;
    const created: Allowance = {
      ...fields,
      allowanceNo: this.#newAllowanceNo(now),
      createdAt: now,
      ...(returnUrl ? { online: { returnUrl, expiresAt: new Date(now.getTime() + ONLINE_CONSENT_MS) } } : {}),
    };
    invoice.allowances.push(created);
    this.#byAllowance.set(created.allowanceNo, { invoice, allowance: created });
    return created;
  }

  /** Records an InvoiceNotify call; the sandbox sends nothing, as ECPay's stage does not. */
  notify(invoice: Invoice, notice: Notice): void {
    invoice.notices.push(notice);
  }

  /** AllowanceInvalid: voids an allowance in force. */
  /** 16 digits: the Taiwan minute and a sequence, as ECPay's `2021072813260868`. */
  #newAllowanceNo(now: Date): string {
    for (let tries = 0; tries < 10_000; tries++) {
      this.#allowanceSeq = (this.#allowanceSeq + 1) % 10_000;
      const allowanceNo = `${taiwanMinuteDigits(now)}${String(this.#allowanceSeq).padStart(4, '0')}`;
      if (!this.#byAllowance.has(allowanceNo)) return allowanceNo;
    }
    throw new EinvoiceRefusal(RTN.SYSTEM_ERROR, 'ten thousand allowances in one minute');
  }

  voidAllowance(allowance: Allowance, reason: string, now: Date): void {
    const status = allowanceStatus(allowance, now);
    if (status === 'void') throw new EinvoiceRefusal(RTN.ALLOWANCE_ALREADY_VOID);
    if (status !== 'valid') throw new EinvoiceRefusal(RTN.INVALID_FIELD, 'AllowanceNo: an online allowance not agreed is cancelled with AllowanceInvalidByCollegiate');
    allowance.voided = { at: now, reason };
  }

  /** AllowanceInvalidByCollegiate: cancels an online allowance the buyer has not agreed to. */
  cancelOnline(allowance: Allowance, reason: string, now: Date): void {
    if (!allowance.online) throw new EinvoiceRefusal(RTN.ALLOWANCE_NOT_FOUND);
    const status = allowanceStatus(allowance, now);
    if (status === 'void') throw new EinvoiceRefusal(RTN.ALLOWANCE_ALREADY_VOID);
    if (status === 'valid') throw new EinvoiceRefusal(RTN.ONLINE_ALLOWANCE_AGREED);
    allowance.voided = { at: now, reason };
  }

  /** The buyer agrees to a pending online allowance; false when it is not pending. */
  agree(allowance: Allowance, now: Date): boolean {
    if (allowanceStatus(allowance, now) !== 'pending') return false;
    allowance.online!.agreedAt = now;
    return true;
  }
}
