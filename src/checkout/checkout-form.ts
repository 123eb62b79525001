// The checkout form: who is buying, where it goes and how they pay. Messages are translation keys.
import { z } from 'zod';
import type { PayType } from '../generated/prisma/client';
import { CITY_NAMES } from './taiwan-cities';
import { hasNoControlCharacters } from '../web/plain-text';
import { INVOICE_FIELDS, readInvoiceChoice, type InvoiceChoice } from './invoice-choice';

const TAIWAN_MOBILE = /^09\d{8}$/;
/** 3-digit, 3+2 or 3+3 postcodes; the old 3-digit ones are still on most parcels. */
const TAIWAN_POSTCODE = /^\d{3}(\d{2,3})?$/;

/**
 * A Taiwanese mobile number as people write it: 0912-345-678, 0912 345 678, +886 912 345 678,
 * +886-0912…, or in full-width digits from a Chinese keyboard (０９１２…). Stored as 0912345678.
 */
export function normalisePhone(input: string): string {
  const plain = input.normalize('NFKC').replace(/[\s\-().]/g, '');
  const national = /^\+?886(\d+)$/.exec(plain)?.[1];
  if (national === undefined) return plain;
  return national.startsWith('0') ? national : `0${national}`;
}

const text = (message: string, max: number, tooLong: string) =>
  z.string(message).refine(hasNoControlCharacters, message).transform((value) => value.normalize('NFKC').trim()).pipe(z.string().min(1, message).max(max, tooLong));
const mobile = z.string('checkout.error.phone').transform(normalisePhone).pipe(z.string().regex(TAIWAN_MOBILE, 'checkout.error.phone'));
/** Left empty, the recipient is the buyer. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

const checkoutForm = z.object({
  name: text('checkout.error.name', 50, 'checkout.error.nameLength'),
  email: z.string('checkout.error.email').trim().max(254, 'checkout.error.email').pipe(z.email('checkout.error.email')),
  phone: mobile,
  recipientName: optional(text('checkout.error.name', 50, 'checkout.error.nameLength')),
  recipientPhone: optional(mobile),
  postcode: z
    .string('checkout.error.postcode')
    .transform((value) => value.normalize('NFKC').replace(/[\s-]/g, ''))
    .pipe(z.string().regex(TAIWAN_POSTCODE, 'checkout.error.postcode')),
  city: z.enum(CITY_NAMES, 'checkout.error.city'),
  district: text('checkout.error.district', 20, 'checkout.error.district'),
  street: text('checkout.error.street', 100, 'checkout.error.streetLength'),
  payType: z.enum(['card', 'atm'], 'checkout.error.payType'),
  // A missing token is not the shopper's mistake to fix: it simply matches no checkout.
  checkoutToken: z.string().regex(/^[\w-]{1,100}$/).catch(''),
});

/** In the order the form shows them, which is the order the error summary lists them in. */
export const CHECKOUT_FIELDS = ['name', 'email', 'phone', 'recipientName', 'recipientPhone', 'postcode', 'city', 'district', 'street', ...INVOICE_FIELDS, 'payType'] as const;
export type CheckoutField = (typeof CHECKOUT_FIELDS)[number];
export type CheckoutErrors = Partial<Record<CheckoutField, string>>;

export interface DeliveryAddress {
  recipientName: string;
  recipientPhone: string;
  postcode: string;
  city: string;
  district: string;
  street: string;
}

export interface CheckoutForm {
  name: string;
  email: string;
  phone: string;
  delivery: DeliveryAddress;
  payType: PayType;
  /** Null when the shop issues no e-invoices (EINVOICE=off). */
  invoice: InvoiceChoice | null;
  checkoutToken: string;
}

/** `einvoice`: whether the shop issues e-invoices, and so asks where they go. */
export function readCheckoutForm(body: unknown, { einvoice = true } = {}): { form: CheckoutForm } | { errors: CheckoutErrors } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const parsed = checkoutForm.safeParse(fields);
  const invoice = einvoice ? readInvoiceChoice(fields) : { choice: null };
  if (!parsed.success || 'errors' in invoice) {
    const errors: CheckoutErrors = 'errors' in invoice ? { ...invoice.errors } : {};
    for (const issue of parsed.error?.issues ?? []) {
      const field = issue.path[0] as CheckoutField;
      errors[field] ??= issue.message;
    }
    return { errors };
  }
  const { name, email, phone, recipientName, recipientPhone, postcode, city, district, street, payType, checkoutToken } = parsed.data;
  return {
    form: {
      name, email, phone, payType, checkoutToken, invoice: invoice.choice,
      delivery: { recipientName: recipientName ?? name, recipientPhone: recipientPhone ?? phone, postcode, city, district, street },
    },
  };
}
