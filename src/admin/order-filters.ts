// The back office's order search: what the filter form may say, and the database condition it
// stands for. Dates are calendar days in Asia/Taipei (UTC+8 all year), as the merchant reads them.
import { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import { startOfTaipeiDay } from '../time/taipei';
import { hasNoControlCharacters } from '../web/plain-text';

const DAY_MS = 24 * 3_600_000;

/** An empty form field means "no filter". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

export const orderFiltersSchema = z
  .object({
    q: optional(z.string().trim().max(100).refine(hasNoControlCharacters, 'must not contain control characters')),
    status: optional(z.enum(['awaiting_payment', 'paid', 'expired', 'cancelled', 'refunded', 'partially_refunded'])),
    payType: optional(z.enum(['A', 'C'])),
    from: optional(z.iso.date()),
    to: optional(z.iso.date()),
    page: optional(z.coerce.number().int().min(1).max(100_000)),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before from' });

export type OrderFilters = z.output<typeof orderFiltersSchema>;


export function orderCondition(filters: OrderFilters): Prisma.OrderWhereInput {
  const conditions: Prisma.OrderWhereInput[] = [];
  const { q, status, payType, from, to } = filters;
  if (q) {
    const text = { contains: q, mode: 'insensitive' } as const;
    conditions.push({
      OR: [
        { number: text },
        { email: text },
        { payments: { some: { OR: [{ orderNo: text }, { tsNo: text }] } } },
      ],
    });
  }
  if (status) conditions.push({ status });
  if (payType) conditions.push({ payType });
  if (from) conditions.push({ createdAt: { gte: startOfTaipeiDay(from) } });
  // The "to" day is included: everything before the next day starts.
  if (to) conditions.push({ createdAt: { lt: new Date(startOfTaipeiDay(to).getTime() + DAY_MS) } });
  return { AND: conditions };
}

/** The filters as a query string, for page links and the CSV link; the page itself is left out. */
export function filterQuery(filters: OrderFilters): string {
  const params = new URLSearchParams();
  for (const name of ['q', 'status', 'payType', 'from', 'to'] as const) {
    const value = filters[name];
    if (value !== undefined) params.set(name, value);
  }
  return params.toString();
}
