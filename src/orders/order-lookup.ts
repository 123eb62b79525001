// "Find my order" from another device: the order number with the e-mail address or mobile number
// given at checkout. One answer, "not found", whether the number is unknown or the contact wrong,
// and about the same work either way (one indexed read, then a constant-time comparison against
// the order's contacts or stand-ins), so the look-up tells nothing about which orders exist.
// Guessing is slowed by the throttles in web/order-lookup-throttle.ts.
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { normalisePhone } from '../checkout/checkout-form';

export interface LookupForm {
  /** Normalised (normaliseOrderNumber) and of the shop's format. */
  orderNumber: string;
  contact: string;
}

export type LookupFormErrors = Partial<Record<keyof LookupForm, string>>;

/** Letters and digits only, as src/checkout/place-order.ts makes them (FS20261130ABCDEFGH). */
const ORDER_NUMBER = /^[A-Z0-9]+$/;

const lookupForm = z.object({
  // Normalised and checked here, before anything (the throttles' keys, the database) sees it.
  orderNumber: z
    .string('lookup.error.orderNumber')
    .trim()
    .min(1, 'lookup.error.orderNumber')
    .max(40, 'lookup.error.orderNumberFormat')
    .transform((typed) => normaliseOrderNumber(typed))
    .pipe(z.string().regex(ORDER_NUMBER, 'lookup.error.orderNumberFormat')),
  contact: z.string('lookup.error.contact').trim().min(1, 'lookup.error.contact').max(254, 'lookup.error.contact'),
});

export function readLookupForm(body: unknown): { form: LookupForm } | { errors: LookupFormErrors } {
  const parsed = lookupForm.safeParse(body ?? {});
  if (parsed.success) return { form: parsed.data };
  const errors: LookupFormErrors = {};
  for (const issue of parsed.error.issues) errors[issue.path[0] as keyof LookupForm] ??= issue.message;
  return { errors };
}

/** As printed (FS20261130ABCDEFGH), however it was typed: full-width, lower case, spaced or dashed. */
function normaliseOrderNumber(typed: string): string {
  return typed.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/**
 * The contact as checkout stored it: an e-mail address in lower case, or a mobile number as its
 * ten digits (0912345678), from +886 912 345 678, 0912-345-678 or full-width digits.
 */
function normaliseContact(typed: string): string {
  const text = typed.normalize('NFKC').trim();
  return text.includes('@') ? text.toLowerCase() : normalisePhone(text);
}

const digest = (text: string) => createHash('sha256').update(text).digest();
const sameText = (a: string, b: string) => timingSafeEqual(digest(a), digest(b));

// Compared against when the number is unknown, so that case does the same comparisons.
const STAND_IN = { id: '', email: 'nobody@invalid', phone: '0900000000' };

/** The order's id when the number exists and the contact is its e-mail or phone; otherwise undefined. */
export async function findOrderByContact(db: Database, form: LookupForm): Promise<string | undefined> {
  const order = await db.order.findUnique({
    where: { number: form.orderNumber },
    select: { id: true, email: true, phone: true },
  });
  const candidate = order ?? STAND_IN;
  const contact = normaliseContact(form.contact);
  // Both comparisons always run (no short-circuit), whichever matches.
  const byEmail = sameText(contact, candidate.email.trim().toLowerCase());
  const byPhone = sameText(contact, normaliseContact(candidate.phone));
  return order && (byEmail || byPhone) ? order.id : undefined;
}
