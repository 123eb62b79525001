// Orders as the back office lists them: newest first, each with its payment attempts, a page at a
// time on screen and all at once for the CSV export.
import type { Database } from '../db/prisma';
import type { Order, Payment } from '../generated/prisma/client';
import { TOOK_MONEY } from '../payments/payment-states';
import { orderCondition, type OrderFilters } from './order-filters';

export const PAGE_SIZE = 25;

export type ListedOrder = Order & { payments: Payment[] };

export interface OrderPage {
  orders: ListedOrder[];
  total: number;
  page: number;
  pageCount: number;
}

const newestFirst = [{ createdAt: 'desc' }, { id: 'asc' }] as const;
const attemptsOldestFirst = { payments: { orderBy: { createdAt: 'asc' } } } as const;

export async function findOrderPage(db: Database, filters: OrderFilters): Promise<OrderPage> {
  const where = orderCondition(filters);
  const page = filters.page ?? 1;
  const [total, orders] = await db.$transaction([
    db.order.count({ where }),
    db.order.findMany({ where, orderBy: [...newestFirst], include: attemptsOldestFirst, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
  ]);
  return { orders, total, page, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** Every matching order: an export that silently stopped at some row count would mislead. */
export function findOrdersForExport(db: Database, filters: OrderFilters): Promise<ListedOrder[]> {
  return db.order.findMany({ where: orderCondition(filters), orderBy: [...newestFirst], include: attemptsOldestFirst });
}

/** The attempt a list row shows: the one that took the money, or else the latest. */
export function mainAttempt(order: ListedOrder): Payment | undefined {
  return order.payments.findLast((payment) => TOOK_MONEY.has(payment.status)) ?? order.payments.at(-1);
}
