// The back office's orders: the search form and the condition it stands for, the list a page at a
// time, one order's full record, and the list as a spreadsheet.
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { Prisma, type GatewayExchange, type Order, type OrderLine, type Payment } from '../generated/prisma/client';
import type { Locale } from '../i18n/locales';
import type { Translate } from '../i18n/translate';
import { statusLabel } from '../orders/status-labels';
import { withoutSecrets } from '../payments/exchange-audit';
import { TOOK_MONEY } from '../payments/payment-states';
import { SHIPPABLE_ORDER } from '../fulfilment/fulfilment-states';
import { startOfTaipeiDay, TAIPEI_TIME_ZONE } from '../time/taipei';
import { hasNoControlCharacters } from '../web/plain-text';
import { CSV_BOM, csvRow } from './csv';

// The back office's order search: what the filter form may say, and the database condition it
// stands for. Dates are calendar days in Asia/Taipei (UTC+8 all year), as the merchant reads them.
const DAY_MS = 24 * 3_600_000;
const CURSOR = /^\d{1,15}~[0-9a-f-]{36}$/;

/** An empty form field means "no filter". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

export const orderFiltersSchema = z
  .object({
    q: optional(z.string().trim().max(100).refine(hasNoControlCharacters, 'must not contain control characters')),
    status: optional(z.enum(['awaiting_payment', 'paid', 'expired', 'cancelled', 'refunded', 'partially_refunded'])),
    payType: optional(z.enum(['atm', 'card'])),
    fulfilment: optional(z.enum(['unfulfilled', 'shipped', 'delivered', 'returned'])),
    // "to_ship" (paid, not shipped, oldest first) is what a bare /admin/orders shows; "all" is every order.
    view: optional(z.enum(['to_ship', 'all'])),
    from: optional(z.iso.date()),
    to: optional(z.iso.date()),
    // Where the page starts: the sort key of the previous page's last row (see pageCursor).
    after: optional(z.string().regex(CURSOR, 'must be a page link the list made')),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { path: ['to'], message: 'must not be before from' });

export type OrderFilters = z.output<typeof orderFiltersSchema>;

/** The merchant's morning: with no filter at all, the orders that are paid and wait to be shipped. */
export function withDefaultView(filters: OrderFilters): OrderFilters {
  const { after: _after, ...rest } = filters;
  return Object.values(rest).every((value) => value === undefined) ? { ...filters, view: 'to_ship' } : filters;
}

/** The order's place in the list: the to-ship list by the time its money arrived, the rest newest first. */
const sortKey = (filters: OrderFilters) =>
  filters.view === 'to_ship' ? Prisma.sql`COALESCE(o."paidAt", o."createdAt")` : Prisma.sql`o."createdAt"`;

/** LIKE's own characters stand for themselves: "100%" is a hundred percent. */
const literally = (text: string) => text.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_');

// Whole values, looked up by their btree indexes rather than searched for: the trigrams every
// order number (FS2026…), e-mail address (@example.tw) and phone (09…) shares are in most rows, and
// the trigram index read them all (0.1 to 0.3 s at a million orders).
const WHOLE_ORDER_NUMBER = /^FS\d{8}[A-Z0-9]{8}$/i;
const WHOLE_EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const WHOLE_PHONE = /^0\d{8,9}$/;

/** LIKE's pattern for names holding `q`, in the stored key's form (migration order_search_whole_values). */
const nameKeyPattern = (q: string) =>
  Prisma.sql`'%' || replace(replace(replace(product_search_key(${q}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

// Numbers, phones, OrderNos and TSNos are ASCII (and e-mail addresses all but always are), and
// the C ctype makes no trigrams of other text: those fields' arms would read their whole index for
// nothing, so text beyond ASCII is looked for in names only.
const namesOnly = (q: string) => !/^[\x20-\x7e]*$/.test(q);

/**
 * The orders whose number, e-mail, phone or name, or any attempt's OrderNo or TSNo, contains `q`:
 * one arm per index (migrations order_queries_at_scale, order_search_whole_values), since an OR
 * across them, and across the two tables, could use none. A whole order number, e-mail address or
 * phone number is matched whole in its own field.
 */
function searchSql(q: string): Prisma.Sql {
  const pattern = `%${literally(q)}%`;
  const byName = Prisma.sql`SELECT id FROM "Order" WHERE "customerNameKey" LIKE ${nameKeyPattern(q)}`;
  if (namesOnly(q)) return Prisma.sql`o.id IN (${byName})`;
  // No other field holds a whole order number, e-mail address or phone number.
  if (WHOLE_ORDER_NUMBER.test(q)) return Prisma.sql`o.number = ${q.toUpperCase()}`;
  if (WHOLE_EMAIL.test(q)) return Prisma.sql`lower(o.email) = lower(${q})`;
  if (WHOLE_PHONE.test(q)) return Prisma.sql`o.phone = ${q}`;
  return Prisma.sql`o.id IN (
    SELECT id FROM "Order" WHERE number ILIKE ${pattern}
    UNION SELECT id FROM "Order" WHERE email ILIKE ${pattern}
    UNION SELECT id FROM "Order" WHERE phone LIKE ${pattern}
    UNION ${byName}
    UNION SELECT "orderId" FROM "Payment" WHERE "orderNo" ILIKE ${pattern}
    UNION SELECT "orderId" FROM "Payment" WHERE "tsNo" ILIKE ${pattern})`;
}

// Written out (not bound) so that the planner can see the to-ship list's partial index applies.
const SHIPPABLE_SQL = Prisma.raw([...SHIPPABLE_ORDER].map((status) => `'${status}'`).join(', '));
/** Paid (whole or in part) and not shipped, on "Order" o: the list the merchant works through, counted in the navbar. */
export const TO_SHIP_SQL = Prisma.sql`o."fulfilmentStatus" = 'unfulfilled' AND o.status IN (${SHIPPABLE_SQL})`;
/** A date as the columns hold it: UTC, without a zone. */
const utc = (date: Date) => Prisma.sql`${date.toISOString()}::timestamp(3)`;

/** The filters as a condition on "Order" o; `q` is left to the caller when `withSearch` is false. */
function orderConditionSql(filters: OrderFilters, withSearch = true): Prisma.Sql {
  const { q, status, payType, fulfilment, view, from, to } = filters;
  const conditions: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (view === 'to_ship') conditions.push(TO_SHIP_SQL);
  if (fulfilment) conditions.push(Prisma.sql`o."fulfilmentStatus" = ${fulfilment}::"FulfilmentStatus"`);
  if (q && withSearch) conditions.push(searchSql(q));
  if (status) conditions.push(Prisma.sql`o.status = ${status}::"OrderStatus"`);
  if (payType) conditions.push(Prisma.sql`o."payType" = ${payType}::"PayType"`);
  if (from) conditions.push(Prisma.sql`o."createdAt" >= ${utc(startOfTaipeiDay(from))}`);
  // The "to" day is included: everything before the next day starts.
  if (to) conditions.push(Prisma.sql`o."createdAt" < ${utc(new Date(startOfTaipeiDay(to).getTime() + DAY_MS))}`);
  return Prisma.join(conditions, ' AND ');
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

// Orders as the back office lists them, each with its payment attempts, a page at a time. Pages
// are keyset pages (the rows after the previous page's last), so a late page costs what the first
// does; and no page counts every matching order, which at a year of orders would cost more than
// the page: the list says whether more follow.
const PAGE_SIZE = 25;

export type ListedOrder = Order & { payments: Payment[] };

export interface OrderPage {
  orders: ListedOrder[];
  /** The next page's `after`, when more orders follow. */
  next: string | undefined;
}

interface KeyRow {
  id: string;
  sortedAt: Date;
}

/** A page's place: the sort key's milliseconds and the id of its last row. */
const pageCursor = (row: KeyRow) => `${row.sortedAt.getTime()}~${row.id}`;

// A common name is held by thousands of a year's orders (4,761 of a million for the commonest),
// and the trigram index hands them over in no useful order: reading and sorting them all took
// 90–130 ms. The list's next orders in its own order, read by its index, hold a page of them
// after a few thousand rows; so those are looked through first, and the trigram index is only
// asked when they do not fill the page (a rare name, whose few rows it reads quickly).
const NAME_SEARCH_WINDOW = 20_000;

/** Up to `limit` ids of matching orders after `after`, in the list's order, with their sort keys. */
async function orderKeys(db: Database, filters: OrderFilters, after: string | undefined, limit: number): Promise<KeyRow[]> {
  const key = sortKey(filters);
  const ascending = filters.view === 'to_ship';
  const [at, id] = after ? after.split('~') : [];
  const start = at && id
    ? ascending
      ? Prisma.sql`AND (${key}, o.id) > (${utc(new Date(Number(at)))}, ${id})`
      : Prisma.sql`AND (${key}, o.id) < (${utc(new Date(Number(at)))}, ${id})`
    : Prisma.empty;
  const direction = Prisma.raw(ascending ? 'ASC' : 'DESC');
  if (filters.q && namesOnly(filters.q)) {
    // Every order outside the window comes after every order in it, so a full page found in the
    // window is the page.
    const recent = await db.$queryRaw<KeyRow[]>`
      SELECT o.id, o."sortedAt" FROM (
        SELECT o.id, ${key} AS "sortedAt", o."customerNameKey" FROM "Order" o
        WHERE ${orderConditionSql(filters, false)} ${start}
        ORDER BY ${key} ${direction}, o.id ${direction}
        LIMIT ${NAME_SEARCH_WINDOW}) o
      WHERE o."customerNameKey" LIKE ${nameKeyPattern(filters.q)}
      ORDER BY o."sortedAt" ${direction}, o.id ${direction}
      LIMIT ${limit}`;
    if (recent.length === limit) return recent;
  }
  return db.$queryRaw<KeyRow[]>`
    SELECT o.id, ${key} AS "sortedAt" FROM "Order" o
    WHERE ${orderConditionSql(filters)} ${start}
    ORDER BY ${key} ${direction}, o.id ${direction}
    LIMIT ${limit}`;
}

/** The rows of `ids`, in that order. */
function inOrderOf<T extends { id: string }>(ids: readonly string[], rows: readonly T[]): T[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

const attemptsOldestFirst = { payments: { orderBy: { createdAt: 'asc' } } } as const;

export async function findOrderPage(db: Database, filters: OrderFilters): Promise<OrderPage> {
  const keys = await orderKeys(db, filters, filters.after, PAGE_SIZE + 1);
  const shown = keys.slice(0, PAGE_SIZE);
  const ids = shown.map((row) => row.id);
  const orders = await db.order.findMany({ where: { id: { in: ids } }, include: attemptsOldestFirst });
  return { orders: inOrderOf(ids, orders), next: keys.length > PAGE_SIZE ? pageCursor(shown.at(-1)!) : undefined };
}

export type ExportedOrder = ListedOrder & { lines: OrderLine[] };

/** Orders read a batch at a time for the CSV export; small enough that a batch's rows and bind parameters stay few. */
export const EXPORT_BATCH = 500;

/**
 * Every matching order, in the list's order, a batch at a time: an export that silently stopped
 * at some row count would mislead, and one read whole would hold a year of orders in memory.
 */
export async function* ordersForExport(db: Database, filters: OrderFilters): AsyncGenerator<ExportedOrder[]> {
  let after: string | undefined;
  for (;;) {
    const keys = await orderKeys(db, filters, after, EXPORT_BATCH);
    if (keys.length === 0) return;
    const ids = keys.map((row) => row.id);
    const orders = await db.order.findMany({
      where: { id: { in: ids } },
      include: { ...attemptsOldestFirst, lines: { orderBy: { id: 'asc' } } },
    });
    yield inOrderOf(ids, orders);
    if (keys.length < EXPORT_BATCH) return;
    after = pageCursor(keys.at(-1)!);
  }
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
  // before (or without) the attempt being found. Two index scans; an OR of the two can use neither.
  const [byAttempt, byOrderNo] = await Promise.all([
    db.gatewayExchange.findMany({ where: { paymentId: { in: order.payments.map((payment) => payment.id) } } }),
    db.gatewayExchange.findMany({ where: { orderNo: { in: order.payments.map((payment) => payment.orderNo) } } }),
  ]);
  const exchanges = [...new Map([...byAttempt, ...byOrderNo].map((exchange) => [exchange.id, exchange])).values()].sort((a, b) => a.id - b.id);
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

// The order list as a spreadsheet: one row per order with its lines, address, shipping and parcel,
// headings and labels in the merchant's language, money in whole TWD, times in Asia/Taipei.
const taipeiMinute = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TAIPEI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

const when = (date: Date | null) => (date ? taipeiMinute.format(date) : '');

const COLUMNS = [
  'number', 'createdAt', 'paidAt', 'customer', 'email', 'phone', 'payType', 'status',
  'totalTwd', 'refundedTwd', 'orderNo', 'tsNo', 'paymentStatus',
  'shippingTwd', 'items', 'recipient', 'recipientPhone', 'address', 'fulfilmentStatus', 'carrier', 'trackingNumber',
] as const;

/** The spreadsheet's first row: the BOM and the headings in the merchant's language. */
export function ordersCsvHeading(t: Translate): string {
  return CSV_BOM + csvRow(COLUMNS.map((column) => t(`admin.csv.${column}`)));
}

/** One order's lines as one cell: "name ×quantity @unit price", separated by semicolons. */
function itemsCell(lines: readonly OrderLine[], locale: Locale): string {
  return lines.map((line) => `${locale === 'en' ? line.nameEn : line.nameZh} ×${line.quantity} @${line.unitPriceTwd}`).join('; ');
}

/** The rows of a batch of orders, one per order. */
export function ordersCsvRows(orders: readonly ExportedOrder[], view: { locale: Locale }): string {
  const { locale } = view;
  return orders
    .map((order) => {
      const attempt = mainAttempt(order);
      const refunded = order.payments.reduce((sum, payment) => sum + payment.refundedAmount, 0);
      const address = [order.postcode, order.city, order.district, order.street].filter(Boolean).join(' ');
      return csvRow([
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
        order.shippingTwd,
        itemsCell(order.lines, locale),
        order.recipientName,
        order.recipientPhone,
        address,
        statusLabel('fulfilment', order.fulfilmentStatus, locale),
        order.carrier === 'other' ? order.carrierName : order.carrier ? statusLabel('carrier', order.carrier, locale) : undefined,
        order.trackingNumber,
      ]);
    })
    .join('');
}
