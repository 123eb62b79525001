// The checkout form: who is buying and how they pay. Messages are translation keys.
import { z } from 'zod';
import { PayType } from '../generated/prisma/client';
import { hasNoControlCharacters } from '../web/plain-text';

const TAIWAN_MOBILE = /^09\d{8}$/;

const checkoutForm = z.object({
  name: z.string('checkout.error.name').trim().min(1, 'checkout.error.name').max(50, 'checkout.error.nameLength').refine(hasNoControlCharacters, 'checkout.error.name'),
  email: z.string('checkout.error.email').trim().max(254, 'checkout.error.email').pipe(z.email('checkout.error.email')),
  // People write 0912-345-678 or 0912 345 678; the bank and we keep the digits.
  phone: z
    .string('checkout.error.phone')
    .transform((phone) => phone.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(TAIWAN_MOBILE, 'checkout.error.phone')),
  payType: z.enum([PayType.C, PayType.A], 'checkout.error.payType'),
  // A missing token is not the shopper's mistake to fix: it simply matches no checkout.
  checkoutToken: z.string().regex(/^[\w-]{1,100}$/).catch(''),
});

export type CheckoutForm = z.output<typeof checkoutForm>;
export type CheckoutField = 'name' | 'email' | 'phone' | 'payType';
export type CheckoutErrors = Partial<Record<CheckoutField, string>>;

export function readCheckoutForm(body: unknown): { form: CheckoutForm } | { errors: CheckoutErrors } {
  const parsed = checkoutForm.safeParse(body ?? {});
  if (parsed.success) return { form: parsed.data };
  const errors: CheckoutErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as CheckoutField;
    errors[field] ??= issue.message;
  }
  return { errors };
}
