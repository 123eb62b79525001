// "My orders": the orders this browser placed, and those its session was granted after proving them
// its shopper's (order-access.ts). An order of anyone else is reported as absent, exactly like one
// that does not exist.
import type { Request } from 'express';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { Order, OrderLine, Payment } from '../generated/prisma/client';

export type OrderWithLines = Order & { lines: OrderLine[] };
export type OrderWithPayments = OrderWithLines & { payments: Payment[] };

const orderId = z.uuid();

/** A browser: the shopper token of the orders it placed, and the session its grants belong to. */
export interface Viewer {
  shopperId: string | undefined;
  sessionId: string;
}

export const viewerOf = (req: Request): Viewer => ({ shopperId: req.session.shopperId, sessionId: req.sessionID });

const visibleTo = ({ shopperId, sessionId }: Viewer) => ({
  OR: [...(shopperId ? [{ ownerToken: shopperId }] : []), { accessGrants: { some: { sessionId } } }],
});

export async function listShopperOrders(db: Database, viewer: Viewer): Promise<OrderWithLines[]> {
  return db.order.findMany({
    where: visibleTo(viewer),
    orderBy: { createdAt: 'desc' },
    include: { lines: { orderBy: { id: 'asc' } } },
  });
}

/** Every payment attempt included, oldest first. */
export async function findShopperOrder(db: Database, viewer: Viewer, id: string): Promise<OrderWithPayments | null> {
  if (!orderId.safeParse(id).success) return null;
  return db.order.findFirst({
    where: { id, ...visibleTo(viewer) },
    include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { createdAt: 'asc' } } },
  });
}
