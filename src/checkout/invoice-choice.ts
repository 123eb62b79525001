// Where the buyer's e-invoice goes, as checkout asks it, with the formats the Ministry of Finance and
// the provider take: the shop's member carrier, a mobile barcode, a citizen certificate, a company's
// 統一編號 and name, or a donation code. Messages are translation keys; only the chosen recipient's
// fields are read, so a value left in a hidden field never stops a checkout.
import { z } from 'zod';
import type { InvoiceRecipient } from '../generated/prisma/client';
import { hasNoControlCharacters } from '../web/plain-text';

/** Whether the shop issues e-invoices (EINVOICE=off for a merchant exempt from issuing), and at which of the provider's environments. */
export interface EinvoicePageSettings {
  enabled: boolean;
  environment: 'simulator' | 'stage' | 'production';
}

/** Without a setting: e-invoices issued, at the local simulator (as `npm start` runs with nothing configured). */
export const DEFAULT_EINVOICE: EinvoicePageSettings = { enabled: true, environment: 'simulator' };

export const INVOICE_RECIPIENTS = ['member_carrier', 'mobile_barcode', 'citizen_certificate', 'company', 'donation'] as const satisfies readonly InvoiceRecipient[];

/**
 * Charities shoppers know by their donation code (捐贈碼), offered as one tap; any other code can be typed.
 * Codes as the charities publish them: 創世 in its campaigns ("發票捐919"), the others in news of theirs.
 */
export const WELL_KNOWN_CHARITIES = [
  { code: '919', nameZh: '創世社會福利基金會', nameEn: 'Genesis Social Welfare Foundation' },
  { code: '88888', nameZh: '中華民國兒童癌症基金會', nameEn: 'Childhood Cancer Foundation' },
  { code: '2085', nameZh: '台灣兒童暨家庭扶助基金會（北台南家扶中心）', nameEn: 'Taiwan Fund for Children and Families (North Tainan)' },
] as const;
export const OTHER_CHARITY = 'other';

export type InvoiceChoice =
  | { recipient: 'member_carrier' }
  | { recipient: 'mobile_barcode' | 'citizen_certificate'; carrierNumber: string }
  | { recipient: 'company'; taxId: string; companyName: string }
  | { recipient: 'donation'; donationCode: string };

/** The invoice's fields in the form's order, which is the order the error summary lists them in. */
export const INVOICE_FIELDS = ['invoiceRecipient', 'invoiceBarcode', 'invoiceCertificate', 'invoiceTaxId', 'invoiceCompanyName', 'invoiceCharity', 'invoiceDonationCode'] as const;
export type InvoiceField = (typeof INVOICE_FIELDS)[number];

const MOBILE_BARCODE = /^\/[0-9A-Z.+-]{7}$/;
const CITIZEN_CERTIFICATE = /^[A-Z]{2}\d{14}$/;
const DONATION_CODE = /^\d{3,7}$/;

/** Full-width letters, digits and slashes from a Chinese keyboard made half-width; spaces dropped; letters upper-cased. */
function plainCode(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

const MOF_WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1];

/**
 * The Ministry of Finance's check of a 統一編號 as changed on 2023-04-01: the digits' weighted
 * products, each reduced to the sum of its digits once, add up to a multiple of 5 (10 before), or,
 * when the 7th digit is 7 (whose product 28 reduces to 10, read as 1 or 0), one less than a multiple.
 */
export function isValidTaxId(taxId: string): boolean {
  if (!/^\d{8}$/.test(taxId)) return false;
  const digits = [...taxId].map(Number);
  const sum = digits.reduce((total, digit, i) => {
    const product = digit * MOF_WEIGHTS[i]!;
    return total + Math.floor(product / 10) + (product % 10);
  }, 0);
  return sum % 5 === 0 || (digits[6] === 7 && (sum + 1) % 5 === 0);
}

const code = (message: string, pattern: RegExp, transform = plainCode) =>
  z.string(message).transform(transform).pipe(z.string().regex(pattern, message));

const fields = {
  invoiceRecipient: z.preprocess(
    // The form always sends one (member carrier is checked); a client that sends none gets the default.
    (value) => (value === undefined || value === '' ? 'member_carrier' : value),
    z.enum(INVOICE_RECIPIENTS, 'checkout.error.invoiceRecipient'),
  ),
  invoiceBarcode: code('checkout.error.invoiceBarcode', MOBILE_BARCODE),
  invoiceCertificate: code('checkout.error.invoiceCertificate', CITIZEN_CERTIFICATE),
  invoiceTaxId: z
    .string('checkout.error.invoiceTaxId')
    .transform((value) => value.normalize('NFKC').replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{8}$/, 'checkout.error.invoiceTaxId').refine(isValidTaxId, 'checkout.error.invoiceTaxIdCheck')),
  // 60 characters: the longest buyer name an invoice carries.
  invoiceCompanyName: z
    .string('checkout.error.invoiceCompanyName')
    .refine(hasNoControlCharacters, 'checkout.error.invoiceCompanyName')
    .transform((value) => value.normalize('NFKC').trim())
    .pipe(z.string().min(1, 'checkout.error.invoiceCompanyName').max(60, 'checkout.error.invoiceCompanyNameLength')),
  invoiceCharity: z.enum([...WELL_KNOWN_CHARITIES.map((charity) => charity.code), OTHER_CHARITY], 'checkout.error.invoiceCharity'),
  invoiceDonationCode: code('checkout.error.invoiceDonationCode', DONATION_CODE),
};

type FieldValue<F extends InvoiceField> = z.output<(typeof fields)[F]>;

/** Reads the invoice part of the checkout form: the choice, or an error key per field. */
export function readInvoiceChoice(body: Record<string, unknown>): { choice: InvoiceChoice } | { errors: Partial<Record<InvoiceField, string>> } {
  const errors: Partial<Record<InvoiceField, string>> = {};
  function read<F extends InvoiceField>(field: F): FieldValue<F> | undefined {
    const parsed = fields[field].safeParse(body[field]);
    if (parsed.success) return parsed.data as FieldValue<F>;
    errors[field] = parsed.error.issues[0]!.message;
    return undefined;
  }
  const recipient = read('invoiceRecipient');
  let choice: InvoiceChoice | undefined;
  switch (recipient) {
    case 'member_carrier':
      choice = { recipient };
      break;
    case 'mobile_barcode': {
      const carrierNumber = read('invoiceBarcode');
      if (carrierNumber) choice = { recipient, carrierNumber };
      break;
    }
    case 'citizen_certificate': {
      const carrierNumber = read('invoiceCertificate');
      if (carrierNumber) choice = { recipient, carrierNumber };
      break;
    }
    case 'company': {
      const taxId = read('invoiceTaxId');
      const companyName = read('invoiceCompanyName');
      if (taxId && companyName) choice = { recipient, taxId, companyName };
      break;
    }
    case 'donation': {
      const charity = read('invoiceCharity');
      const donationCode = charity === OTHER_CHARITY ? read('invoiceDonationCode') : charity;
      if (donationCode) choice = { recipient, donationCode };
      break;
    }
  }
  return choice ? { choice } : { errors };
}

/** The Order's columns for a choice; null when the shop issues no e-invoices. */
export function invoiceColumns(choice: InvoiceChoice | null) {
  return {
    invoiceRecipient: choice?.recipient ?? null,
    invoiceCarrierNumber: choice && 'carrierNumber' in choice ? choice.carrierNumber : null,
    invoiceTaxId: choice?.recipient === 'company' ? choice.taxId : null,
    invoiceCompanyName: choice?.recipient === 'company' ? choice.companyName : null,
    invoiceDonationCode: choice?.recipient === 'donation' ? choice.donationCode : null,
  };
}
