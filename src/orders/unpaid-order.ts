// Orders this browser placed that still wait for their money: the cart reminds of the newest, so
// that a shopper back from the bank's page continues that order instead of placing it twice.
import type { Database } from '../db/prisma';
import type { OrderWithPayments } from './my-orders';

const LOOKED_AT = 10;

/** Newest first; a handful, since a shopper rarely leaves more than one unpaid. */
export async function unpaidOrders(db: Database, shopperId: string | undefined): Promise<OrderWithPayments[]> {
  if (!shopperId) return [];
  return db.order.findMany({
    where: { ownerToken: shopperId, status: 'awaiting_payment' },
    orderBy: { createdAt: 'desc' },
    take: LOOKED_AT,
    include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { createdAt: 'asc' } } },
  });
}
