// Packing slips: what goes in the parcel and where it goes, one A4 page per order, with the order
// number as a QR code (drawn here as SVG, so the page needs nothing from elsewhere to print).
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';

const slipInclude = { lines: { orderBy: { id: 'asc' } } } as const satisfies Prisma.OrderInclude;
export type SlipOrder = Prisma.OrderGetPayload<{ include: typeof slipInclude }> & { qrSvg: string };

/** A selection of at most a day's parcels, by order id, from the order list's checkboxes. */
const MAX_SLIPS = 100;
export const slipSelectionSchema = z.object({
  id: z.preprocess((value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]), z.array(z.uuid()).min(1).max(MAX_SLIPS)),
  prices: z.enum(['show', 'hide']).default('show'),
});

export async function packingSlips(db: Database, ids: readonly string[]): Promise<SlipOrder[]> {
  const orders = await db.order.findMany({ where: { id: { in: [...ids] } }, include: slipInclude });
  // In the order the merchant picked them.
  const byId = new Map(orders.map((order) => [order.id, order]));
  const picked = ids.flatMap((id) => byId.get(id) ?? []);
  return Promise.all(
    picked.map(async (order) => ({ ...order, qrSvg: await QRCode.toString(order.number, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) })),
  );
}
