// Placing an order: the cart becomes an Order at today's database prices, stock is reserved, and
// the first payment attempt is started. The order, its stock and its first attempt are written in
// one transaction, then the attempt goes to the bank (payments/start-attempt.ts), whose first
// round trip (its nonce) is already under way.
import { randomInt, randomUUID } from 'node:crypto';
import type { Locale } from '../i18n/locales';
import type { Database } from '../db/prisma';
import type { PayType, Payment, Prisma } from '../generated/prisma/client';
import { createAtBank, newAttemptColumns, type OpenedAttempt, type PaymentAttemptDependencies, type StartAttemptResult } from '../payments/start-attempt';
import type { Cart } from '../cart/cart';
import { consumeCheckoutToken } from './checkout-token';
import { reserveStock, StockUnavailableError } from '../orders/stock-reservation';
import { atmTakes, prepareCreateAtBank } from '../sinopac/shop-bank';
import { shippingFeeTwd } from '../cart/shipping';
import type { DeliveryAddress } from './checkout-form';
import { invoiceColumns, type InvoiceChoice } from './invoice-choice';
import { taipeiDate } from '../time/taipei';

// The number shoppers read and quote: FS, the Taipei date, and 8 random characters without the
// look-alikes 0/O and 1/I. 32^8 per day makes a clash on the unique column practically impossible.
const ORDER_NUMBER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newOrderNumber(now: Date): string {
  let suffix = '';
  for (let i = 0; i < 8; i++) suffix += ORDER_NUMBER_ALPHABET[randomInt(ORDER_NUMBER_ALPHABET.length)];
  return `FS${taipeiDate(now).replaceAll('-', '')}${suffix}`;
}

export interface PlaceOrderInput {
  sessionId: string;
  checkoutToken: string;
  shopperId: string;
  cart: Cart;
  customer: { name: string; email: string; phone: string };
  delivery: DeliveryAddress;
  payType: PayType;
  /** Where the e-invoice goes; null when the shop issues none. */
  invoice: InvoiceChoice | null;
  locale: Locale;
}

export type PlaceOrderResult =
  /** `next` is the bank's card page or the order page. */
  | { outcome: 'placed'; orderId: string; next: string }
  /** This checkout form was already used (a double click, a resubmit): nothing new was made. */
  | { outcome: 'already_placed'; latestOrderId: string | undefined }
  /** Empty, withdrawn products, or not enough stock; the cart page says which. */
  | { outcome: 'cart_unavailable' }
  | { outcome: 'over_atm_limit' };

type Refusal = Extract<PlaceOrderResult, { outcome: 'cart_unavailable' | 'over_atm_limit' }>;

/** Thrown inside the transaction so that it rolls back, token included. */
class OrderRefused extends Error {
  constructor(readonly result: Refusal) {
    super(result.outcome);
  }
}

export async function placeOrder(deps: PaymentAttemptDependencies, input: PlaceOrderInput, hooks: PlaceOrderHooks = {}): Promise<PlaceOrderResult> {
  const now = deps.clock();
  // Three things at once: the bank's first round trip (asked for before the order is written; a
  // refused cart or a repeated form leaves it unused, which costs nothing), the prices, and the
  // transaction's start with the form's token.
  const bank = prepareCreateAtBank(deps.sinopac);
  const pricing = priceOrder(deps.db, input);
  // Awaited in the transaction, or never, when the form was already used.
  pricing.catch(() => undefined);
  let opened: OpenedAttempt | undefined;
  try {
    opened = await deps.db.$transaction((tx) => createOrder(tx, now, input, pricing));
  } catch (error) {
    if (error instanceof OrderRefused) return error.result;
    throw error;
  }
  if (!opened) {
    const latest = await deps.db.order.findFirst({ where: { ownerToken: input.shopperId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
    return { outcome: 'already_placed', latestOrderId: latest?.id };
  }
  const orderId = opened.order.id;
  const [started] = await Promise.all([createAtBank(deps, opened, now, bank), hooks.placed?.()]);
  return { outcome: 'placed', orderId, next: nextPage(deps, orderId, started) };
}

export interface PlaceOrderHooks {
  /** Run once the order is written, while its attempt goes to the bank: the session forgets the cart. */
  placed?: () => Promise<void>;
}

/**
 * The bank's card page, or the order page, which shows the ATM account or, if the bank could not be
 * used, why not and a button to try again.
 */
function nextPage(deps: PaymentAttemptDependencies, orderId: string, started: StartAttemptResult): string {
  if (started.kind === 'started' && started.payment.payType === 'card' && started.payment.cardPayUrl) return started.payment.cardPayUrl;
  if (started.kind === 'start_failed') {
    deps.logger.warn({ orderId, reason: started.reason, bankCode: started.bankCode }, 'payment attempt could not start');
  }
  return `/orders/${orderId}`;
}

interface PricedOrder {
  lines: Array<{ productId: number; quantity: number; unitPriceTwd: number; nameZh: string; nameEn: string }>;
  totalTwd: number;
  shippingTwd: number;
}

// Read beside the order's transaction: under READ COMMITTED each statement sees the prices as of
// its own start, inside the transaction or not, and the stock is checked by the reservation itself.
async function priceOrder(db: Database, input: PlaceOrderInput): Promise<PricedOrder | Refusal> {
  const ids = input.cart.map((item) => item.productId);
  if (ids.length === 0) return { outcome: 'cart_unavailable' };
  const products = await db.$queryRaw<Array<{ id: number; priceTwd: number; nameZh: string; nameEn: string }>>`
    SELECT "id", "priceTwd", "nameZh", "nameEn" FROM "Product" WHERE "id" = ANY(${ids}::int[]) AND "status" = 'active'`;
  if (products.length !== new Set(ids).size) return { outcome: 'cart_unavailable' };
  const byId = new Map(products.map((product) => [product.id, product]));
  const lines = input.cart.map(({ productId, quantity }) => {
    const product = byId.get(productId)!;
    return { productId, quantity, unitPriceTwd: product.priceTwd, nameZh: product.nameZh, nameEn: product.nameEn };
  });
  const itemsTwd = lines.reduce((sum, line) => sum + line.unitPriceTwd * line.quantity, 0);
  const shippingTwd = shippingFeeTwd(itemsTwd);
  const totalTwd = itemsTwd + shippingTwd;
  if (input.payType === 'atm' && !atmTakes(totalTwd)) return { outcome: 'over_atm_limit' };
  return { lines, totalTwd, shippingTwd };
}

async function createOrder(tx: Prisma.TransactionClient, now: Date, input: PlaceOrderInput, pricing: Promise<PricedOrder | Refusal>): Promise<OpenedAttempt | undefined> {
  // A form already used is told so before anything about its cart: the cart was emptied by its order.
  if (!(await consumeCheckoutToken(tx, input.sessionId, input.checkoutToken))) return undefined;
  const priced = await pricing;
  if ('outcome' in priced) throw new OrderRefused(priced);
  const { lines, totalTwd, shippingTwd } = priced;

  // Reserved now, for as long as the order waits for its payment; two shoppers cannot both take the last one.
  try {
    await reserveStock(tx, lines);
  } catch (error) {
    if (error instanceof StockUnavailableError) throw new OrderRefused({ outcome: 'cart_unavailable' });
    throw error;
  }

  const order = { id: randomUUID(), number: newOrderNumber(now), locale: input.locale, payType: input.payType, totalTwd, lines };
  const attempt = { id: randomUUID(), ...newAttemptColumns(order, input.payType, now) };
  const invoice = invoiceColumns(input.invoice);
  const { customer, delivery } = input;
  // The order, its lines and its first attempt in one statement (through the query builder they
  // took four round trips); the lines keep the cart's order, which their ids record.
  const [payment] = await tx.$queryRaw<Payment[]>`
    WITH placed AS (
      INSERT INTO "Order" ("id", "number", "ownerToken", "customerName", "email", "phone", "locale", "payType", "totalTwd", "shippingTwd",
        "recipientName", "recipientPhone", "postcode", "city", "district", "street",
        "invoiceRecipient", "invoiceCarrierNumber", "invoiceTaxId", "invoiceCompanyName", "invoiceDonationCode", "createdAt", "updatedAt")
      VALUES (${order.id}, ${order.number}, ${input.shopperId}, ${customer.name}, ${customer.email}, ${customer.phone}, ${order.locale},
        ${order.payType}::"PayType", ${totalTwd}, ${shippingTwd},
        ${delivery.recipientName}, ${delivery.recipientPhone}, ${delivery.postcode}, ${delivery.city}, ${delivery.district}, ${delivery.street},
        ${invoice.invoiceRecipient}::"InvoiceRecipient", ${invoice.invoiceCarrierNumber}, ${invoice.invoiceTaxId}, ${invoice.invoiceCompanyName},
        ${invoice.invoiceDonationCode}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
      RETURNING "id"
    ), lines AS (
      INSERT INTO "OrderLine" ("orderId", "productId", "nameZh", "nameEn", "unitPriceTwd", "quantity")
      SELECT placed."id", line."productId", line."nameZh", line."nameEn", line."unitPriceTwd", line."quantity"
      FROM placed, ROWS FROM (jsonb_to_recordset(${JSON.stringify(lines)}::jsonb)
        AS ("productId" int, "nameZh" text, "nameEn" text, "unitPriceTwd" int, "quantity" int)) WITH ORDINALITY
        AS line("productId", "nameZh", "nameEn", "unitPriceTwd", "quantity", "position")
      ORDER BY line."position"
    )
    INSERT INTO "Payment" ("id", "orderId", "orderNo", "payType", "amount", "autoBilling", "createdAt", "updatedAt")
    SELECT ${attempt.id}, placed."id", ${attempt.orderNo}, ${attempt.payType}::"PayType", ${attempt.amount}, ${attempt.autoBilling},
      now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM placed
    RETURNING *`;
  return { order, payment: payment! };
}
