// Moving a paid order's parcel along: shipped (with carrier and tracking number, which owes the
// shopper the "on its way" e-mail), delivered, returned. One transaction each, with the order's row
// locked, so two merchants (or two servers) marking the same order decide one after the other: one
// applies, the other is refused by the table, and the e-mail is owed once (the outbox's unique
// (order, kind) index holds that even if the lock did not).
import type { Database } from '../db/prisma';
import { lockOrder, MONEY_TRANSACTION } from '../db/row-locks';
import type { FulfilmentStatus, Prisma } from '../generated/prisma/client';
import { enqueueMail } from '../mail/outbox';
import { recordMerchantAction, type MerchantActionKind } from '../admin/trail';
import type { Carrier } from './carriers';
import { fulfilmentProblem, type FulfilmentProblem } from './fulfilment-states';

type Tx = Prisma.TransactionClient;

export interface MerchantRequest {
  actor: string;
  address?: string;
}

export interface Shipment {
  carrier: Carrier;
  /** The carrier's name when it is "other". */
  carrierName?: string;
  trackingNumber: string;
}

export type FulfilmentResult =
  | { kind: 'applied'; orderId: string; number: string }
  | { kind: 'refused'; orderId: string; number: string; problem: FulfilmentProblem; from: FulfilmentStatus }
  | { kind: 'not_found' };

const TRAIL_ACTION: Record<Exclude<FulfilmentStatus, 'unfulfilled'>, MerchantActionKind> = {
  shipped: 'shipment',
  delivered: 'delivery',
  returned: 'return',
};

const DATE_FIELD = { shipped: 'shippedAt', delivered: 'deliveredAt', returned: 'returnedAt' } as const;

/** Where the order is found: by id (its page) or by number (the carrier's CSV). */
export type OrderKey = { id: string } | { number: string };

async function moveInTx(
  tx: Tx,
  key: OrderKey,
  to: Exclude<FulfilmentStatus, 'unfulfilled'>,
  by: MerchantRequest,
  now: Date,
  shipment?: Shipment,
): Promise<FulfilmentResult> {
  const found = await tx.order.findUnique({ where: key, select: { id: true } });
  if (!found || !(await lockOrder(tx, found.id))) return { kind: 'not_found' };
  const order = await tx.order.findUniqueOrThrow({ where: { id: found.id }, select: { id: true, number: true, status: true, fulfilmentStatus: true } });
  const problem = fulfilmentProblem(order, to);
  if (problem) return { kind: 'refused', orderId: order.id, number: order.number, problem, from: order.fulfilmentStatus };

  await tx.order.update({
    where: { id: order.id },
    data: {
      fulfilmentStatus: to,
      [DATE_FIELD[to]]: now,
      ...(shipment && { carrier: shipment.carrier, carrierName: shipment.carrierName ?? null, trackingNumber: shipment.trackingNumber }),
    },
  });
  await tx.fulfilmentEvent.create({ data: { orderId: order.id, toStatus: to, actor: by.actor, createdAt: now } });
  if (to === 'shipped') await enqueueMail(tx, { orderId: order.id, kind: 'order_shipped' });
  await recordMerchantAction(tx, {
    actor: by.actor,
    action: TRAIL_ACTION[to],
    subject: order.number,
    ...(shipment && { details: { carrier: shipment.carrier, ...(shipment.carrierName && { carrierName: shipment.carrierName }), trackingNumber: shipment.trackingNumber } }),
    ...(by.address && { address: by.address }),
  });
  return { kind: 'applied', orderId: order.id, number: order.number };
}

export function shipOrder(db: Database, key: OrderKey, shipment: Shipment, by: MerchantRequest, now: Date): Promise<FulfilmentResult> {
  return db.$transaction((tx) => moveInTx(tx, key, 'shipped', by, now, shipment), MONEY_TRANSACTION);
}

export function markDelivered(db: Database, key: OrderKey, by: MerchantRequest, now: Date): Promise<FulfilmentResult> {
  return db.$transaction((tx) => moveInTx(tx, key, 'delivered', by, now), MONEY_TRANSACTION);
}

export function markReturned(db: Database, key: OrderKey, by: MerchantRequest, now: Date): Promise<FulfilmentResult> {
  return db.$transaction((tx) => moveInTx(tx, key, 'returned', by, now), MONEY_TRANSACTION);
}
