// "My orders": the orders this browser placed, and those it was granted after proving them its
// shopper's (order-access.ts). An order of anyone else is reported as absent, exactly like one
// that does not exist.
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { Order, OrderLine, Payment } from '../generated/prisma/client';

export type OrderWithLines = Order & { lines: OrderLine[] };
export type OrderWithPayments = OrderWithLines & { payments: Payment[] };

const orderId = z.uuid();

const visibleTo = (shopperId: string) => ({ OR: [{ ownerToken: shopperId }, { accessGrants: { some: { shopperId } } }] });

export async function listShopperOrders(db: Database, shopperId: string | undefined): Promise<OrderWithLines[]> {
  if (!shopperId) return [];
  return db.order.findMany({
    where: visibleTo(shopperId),
    orderBy: { createdAt: 'desc' },
    include: { lines: { orderBy: { id: 'asc' } } },
  });
}

/** Every payment attempt included, oldest first. */
export async function findShopperOrder(db: Database, shopperId: string | undefined, id: string): Promise<OrderWithPayments | null> {
  if (!shopperId || !orderId.safeParse(id).success) return null;
  return db.order.findFirst({
    where: { id, ...visibleTo(shopperId) },
    include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { createdAt: 'asc' } } },
  });
}
