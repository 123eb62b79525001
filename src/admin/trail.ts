// The merchant's trail: every back-office action, with who did it, when, what to, and from which
// address. Written in the transaction of the change it records where there is one, so a change and
// its trail row stand or fall together. Append-only: the shop has no code that changes or removes a
// row, and the database refuses it too (triggers of migration fulfilment_and_trail).
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { MerchantAction, Prisma } from '../generated/prisma/client';
import { startOfTaipeiDay } from '../time/taipei';

type Tx = Prisma.TransactionClient;

/** The actions the trail knows; the list's filter offers these, and the catalogs name them. */
export const MERCHANT_ACTIONS = [
  'sign_in', 'refund', 'recheck', 'refund_review', 'shipment', 'delivery', 'return', 'cancellation',
  'settlement_fetch', 'account_added', 'account_disabled', 'product_change', 'stock_change', 'category_change', 'settings_change',
  'invoice_retry',
] as const;
export type MerchantActionKind = (typeof MERCHANT_ACTIONS)[number];

export interface MerchantActionRecord {
  /** The back-office username. */
  actor: string;
  action: MerchantActionKind;
  /** What it was done to: an order number, a payment's OrderNo, a product, a day. */
  subject?: string;
  /** Anything else worth knowing later; never a secret. */
  details?: Prisma.InputJsonObject;
  /** The client address the request came from. */
  address?: string;
}

export async function recordMerchantAction(db: Database | Tx, record: MerchantActionRecord): Promise<void> {
  await db.merchantAction.create({
    data: {
      actor: record.actor,
      action: record.action,
      subject: record.subject ?? null,
      ...(record.details && { details: record.details }),
      address: record.address ?? null,
    },
  });
}

// The trail as the back office lists it: newest first, filtered by actor, action and Taipei days.
const DAY_MS = 24 * 3_600_000;
const blankIsNone = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const trailFiltersSchema = z
  .object({
    actor: z.preprocess(blankIsNone, z.string().trim().max(100).optional()),
    action: z.preprocess(blankIsNone, z.enum(MERCHANT_ACTIONS).optional()),
    from: z.preprocess(blankIsNone, z.iso.date().optional()),
    to: z.preprocess(blankIsNone, z.iso.date().optional()),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before from' });

export type TrailFilters = z.output<typeof trailFiltersSchema>;

export const TRAIL_PAGE_SIZE = 200;

export function findMerchantActions(db: Database, filters: TrailFilters): Promise<MerchantAction[]> {
  const conditions: Prisma.MerchantActionWhereInput[] = [];
  if (filters.actor) conditions.push({ actor: filters.actor });
  if (filters.action) conditions.push({ action: filters.action });
  if (filters.from) conditions.push({ at: { gte: startOfTaipeiDay(filters.from) } });
  if (filters.to) conditions.push({ at: { lt: new Date(startOfTaipeiDay(filters.to).getTime() + DAY_MS) } });
  return db.merchantAction.findMany({ where: { AND: conditions }, orderBy: { id: 'desc' }, take: TRAIL_PAGE_SIZE });
}
