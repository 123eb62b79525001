// The back office's orders: the search form and the condition it stands for, the list a page at a
// time, one order's full record, and the list as a spreadsheet.
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { GatewayExchange, Order, Payment, Prisma } from '../generated/prisma/client';
import type { Locale } from '../i18n/locales';
import type { Translate } from '../i18n/translate';
import { statusLabel } from '../orders/status-labels';
import { withoutSecrets } from '../payments/exchange-audit';
import { TOOK_MONEY } from '../payments/payment-states';
import { SHIPPABLE_ORDER } from '../fulfilment/fulfilment-states';
import { startOfTaipeiDay, TAIPEI_TIME_ZONE } from '../time/taipei';
import { hasNoControlCharacters } from '../web/plain-text';
import { toCsv, type CsvCell } from './csv';

// The back office's order search: what the filter form may say, and the database condition it
// stands for. Dates are calendar days in Asia/Taipei (UTC+8 all year), as the merchant reads them.
const DAY_MS = 24 * 3_600_000;

/** An empty form field means "no filter". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

export const orderFiltersSchema = z
  .object({
    q: optional(z.string().trim().max(100).refine(hasNoControlCharacters, 'must not contain control characters')),
    status: optional(z.enum(['awaiting_payment', 'paid', 'expired', 'cancelled', 'refunded', 'partially_refunded'])),
    payType: optional(z.enum(['A', 'C'])),
    fulfilment: optional(z.enum(['unfulfilled', 'shipped', 'delivered', 'returned'])),
    // "to_ship" (paid, not shipped, oldest first) is what a bare /admin/orders shows; "all" is every order.
    view: optional(z.enum(['to_ship', 'all'])),
    from: optional(z.iso.date()),
    to: optional(z.iso.date()),
    page: optional(z.coerce.number().int().min(1).max(100_000)),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before from' });

export type OrderFilters = z.output<typeof orderFiltersSchema>;

/** The merchant's morning: with no filter at all, the orders that are paid and wait to be shipped. */
export function withDefaultView(filters: OrderFilters): OrderFilters {
  const { page: _page, ...rest } = filters;
  return Object.values(rest).every((value) => value === undefined) ? { ...filters, view: 'to_ship' } : filters;
}

/** Paid (whole or in part) and not shipped: the list the merchant works through. */
export const TO_SHIP: Prisma.OrderWhereInput = { status: { in: [...SHIPPABLE_ORDER] }, fulfilmentStatus: 'unfulfilled' };

export function orderCondition(filters: OrderFilters): Prisma.OrderWhereInput {
  const conditions: Prisma.OrderWhereInput[] = [];
  const { q, status, payType, fulfilment, view, from, to } = filters;
  if (view === 'to_ship') conditions.push(TO_SHIP);
  if (fulfilment) conditions.push({ fulfilmentStatus: fulfilment });
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
  for (const name of ['q', 'status', 'payType', 'fulfilment', 'view', 'from', 'to'] as const) {
    const value = filters[name];
    if (value !== undefined) params.set(name, value);
  }
  return params.toString();
}

// Orders as the back office lists them: newest first, each with its payment attempts, a page at a
// time on screen and all at once for the CSV export.
export const PAGE_SIZE = 25;

export type ListedOrder = Order & { payments: Payment[] };

export interface OrderPage {
  orders: ListedOrder[];
  total: number;
  page: number;
  pageCount: number;
}

const newestFirst = [{ createdAt: 'desc' }, { id: 'asc' }] as const;
/** The orders to ship, in the order their money arrived: the one waiting longest first. */
const longestWaitingFirst = [{ paidAt: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] as const;
const listOrder = (filters: OrderFilters) => (filters.view === 'to_ship' ? [...longestWaitingFirst] : [...newestFirst]);
const attemptsOldestFirst = { payments: { orderBy: { createdAt: 'asc' } } } as const;

export async function findOrderPage(db: Database, filters: OrderFilters): Promise<OrderPage> {
  const where = orderCondition(filters);
  const page = filters.page ?? 1;
  const [total, orders] = await db.$transaction([
    db.order.count({ where }),
    db.order.findMany({ where, orderBy: listOrder(filters), include: attemptsOldestFirst, skip: (page - 1) * PAGE_SIZE, take: PAGE_SIZE }),
  ]);
  return { orders, total, page, pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** Every matching order: an export that silently stopped at some row count would mislead. */
export function findOrdersForExport(db: Database, filters: OrderFilters): Promise<ListedOrder[]> {
  return db.order.findMany({ where: orderCondition(filters), orderBy: listOrder(filters), include: attemptsOldestFirst });
}

/** The attempt a list row shows: the one that took the money, or else the latest. */
export function mainAttempt(order: ListedOrder): Payment | undefined {
  return order.payments.findLast((payment) => TOOK_MONEY.has(payment.status)) ?? order.payments.at(-1);
}

// Everything the shop knows about one order, for the back office's order page: its lines, every
// payment attempt with every PayToken received, every state change (applied or refused), every
// refund asked for, and every exchange with the bank (already stripped of secrets when written),
// each under the attempt it was about.
const oldestFirst = { orderBy: { id: 'asc' } } as const;

const orderRecordInclude = {
  lines: oldestFirst,
  fulfilmentEvents: oldestFirst,
  payments: {
    orderBy: { createdAt: 'asc' },
    include: {
      payTokens: oldestFirst,
      events: oldestFirst,
      refunds: { orderBy: { createdAt: 'asc' } },
    },
  },
} as const satisfies Prisma.OrderInclude;

type StoredOrder = Prisma.OrderGetPayload<{ include: typeof orderRecordInclude }>;
export type AttemptRecord = StoredOrder['payments'][number] & { exchanges: GatewayExchange[] };
export type OrderRecord = Omit<StoredOrder, 'payments'> & { payments: AttemptRecord[] };

const orderId = z.uuid();

export async function findOrderRecord(db: Database, id: string): Promise<OrderRecord | null> {
  if (!orderId.safeParse(id).success) return null;
  const order = await db.order.findUnique({ where: { id }, include: orderRecordInclude });
  if (!order) return null;
  // By OrderNo as well as by attempt: the audit row names the OrderNo even when it was written
  // before (or without) the attempt being found.
  const exchanges = await db.gatewayExchange.findMany({
    where: {
      OR: [
        { paymentId: { in: order.payments.map((payment) => payment.id) } },
        { orderNo: { in: order.payments.map((payment) => payment.orderNo) } },
      ],
    },
    orderBy: { id: 'asc' },
  });
  return {
    ...order,
    payments: order.payments.map((payment) => ({
      ...payment,
      exchanges: exchanges
        .filter((exchange) => exchange.paymentId === payment.id || exchange.orderNo === payment.orderNo)
        // Rows written before card digits were masked are masked on the way out.
        .map((exchange) => ({ ...exchange, request: withoutSecrets(exchange.request), response: withoutSecrets(exchange.response) }) as GatewayExchange),
    })),
  };
}

// The order list as a spreadsheet: one row per order, headings and labels in the merchant's
// language, money in whole TWD, times in Asia/Taipei.
const taipeiMinute = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TAIPEI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

const when = (date: Date | null) => (date ? taipeiMinute.format(date) : '');

const COLUMNS = [
  'number', 'createdAt', 'paidAt', 'customer', 'email', 'phone', 'payType', 'status',
  'totalTwd', 'refundedTwd', 'orderNo', 'tsNo', 'paymentStatus',
] as const;

export function ordersCsv(orders: readonly ListedOrder[], view: { t: Translate; locale: Locale }): string {
  const { t, locale } = view;
  const rows: CsvCell[][] = [COLUMNS.map((column) => t(`admin.csv.${column}`))];
  for (const order of orders) {
    const attempt = mainAttempt(order);
    const refunded = order.payments.reduce((sum, payment) => sum + payment.refundedAmount, 0);
    rows.push([
      order.number,
      when(order.createdAt),
      when(order.paidAt),
      order.customerName,
      order.email,
      order.phone,
      statusLabel('payType', order.payType, locale),
      statusLabel('order', order.status, locale),
      order.totalTwd,
      refunded / 100,
      attempt?.orderNo,
      attempt?.tsNo,
      statusLabel('payment', attempt?.status, locale),
    ]);
  }
  return toCsv(rows);
}
