// "My orders": the orders this browser placed, and those its session was granted after proving them
// its shopper's (order-access.ts). An order of anyone else is reported as absent, exactly like one
// that does not exist.
import type { Request } from 'express';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { Prisma, type Order, type OrderLine, type Payment } from '../generated/prisma/client';
import { OrderNotFoundError } from '../web/errors';

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

export const MY_ORDERS_PAGE = 20;

/** Where a page of My orders starts: the createdAt (ms) and id of the previous page's last order. */
export const myOrdersCursor = z.string().regex(/^\d{1,15}~[0-9a-f-]{36}$/);

export interface ShopperOrderPage {
  orders: OrderWithLines[];
  /** The next (older) page's cursor, when there is one. */
  next: string | undefined;
}

/**
 * A page of the browser's orders, newest first. Its own orders and those granted to its session
 * are two index scans joined by a UNION: one OR across the two could use neither index.
 */
export async function listShopperOrders(db: Database, viewer: Viewer, before?: string): Promise<ShopperOrderPage> {
  const [at, id] = before ? before.split('~') : [];
  const start = at && id ? Prisma.sql`AND ("createdAt", id) < (${new Date(Number(at)).toISOString()}::timestamp(3), ${id})` : Prisma.empty;
  const own = viewer.shopperId ? Prisma.sql`SELECT id, "createdAt" FROM "Order" WHERE "ownerToken" = ${viewer.shopperId} UNION ` : Prisma.empty;
  const keys = await db.$queryRaw<Array<{ id: string; createdAt: Date }>>`
    SELECT id, "createdAt" FROM (
      ${own}SELECT o.id, o."createdAt" FROM "OrderAccess" a JOIN "Order" o ON o.id = a."orderId" WHERE a."sessionId" = ${viewer.sessionId}
    ) visible
    WHERE TRUE ${start}
    ORDER BY "createdAt" DESC, id DESC
    LIMIT ${MY_ORDERS_PAGE + 1}`;
  const shown = keys.slice(0, MY_ORDERS_PAGE);
  const rows = await db.order.findMany({ where: { id: { in: shown.map((key) => key.id) } }, include: { lines: { orderBy: { id: 'asc' } } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const last = shown.at(-1);
  return {
    orders: shown.flatMap((key) => byId.get(key.id) ?? []),
    next: keys.length > MY_ORDERS_PAGE && last ? `${last.createdAt.getTime()}~${last.id}` : undefined,
  };
}

/** Every payment attempt included, oldest first. */
export async function findShopperOrder(db: Database, viewer: Viewer, id: string): Promise<OrderWithPayments | null> {
  if (!orderId.safeParse(id).success) return null;
  return db.order.findFirst({
    where: { id, ...visibleTo(viewer) },
    include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { createdAt: 'asc' } } },
  });
}

/** The viewer's order, every attempt included; someone else's, or none, is a 404 (OrderNotFoundError). */
export async function shopperOrderOr404(db: Database, viewer: Viewer, id: string): Promise<OrderWithPayments> {
  const order = await findShopperOrder(db, viewer, id);
  if (!order) throw new OrderNotFoundError(`no order ${id} for this shopper`);
  return order;
}

// Orders this browser placed that still wait for their money: the cart reminds of the newest, so
// that a shopper back from the bank's page continues that order instead of placing it twice.
const UNPAID_LOOKED_AT = 10;

/** Newest first; a handful, since a shopper rarely leaves more than one unpaid. */
export async function unpaidOrders(db: Database, shopperId: string | undefined): Promise<OrderWithPayments[]> {
  if (!shopperId) return [];
  return db.order.findMany({
    where: { ownerToken: shopperId, status: 'awaiting_payment' },
    orderBy: { createdAt: 'desc' },
    take: UNPAID_LOOKED_AT,
    include: { lines: { orderBy: { id: 'asc' } }, payments: { orderBy: { createdAt: 'asc' } } },
  });
}
