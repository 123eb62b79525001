// Placing an order: the cart becomes an Order at today's database prices, stock is reserved, and
// the first payment attempt is started. The order, its stock and its first attempt are written by
// one statement, then the attempt goes to the bank (payments/start-attempt.ts), whose first
// round trip (its nonce) is already under way.
import { randomInt, randomUUID } from 'node:crypto';
import type { Locale } from '../i18n/locales';
import type { Database } from '../db/prisma';
import { Prisma, type PayType, type Payment } from '../generated/prisma/client';
import { createAtBank, newAttemptColumns, type OpenedAttempt, type PaymentAttemptDependencies, type StartAttemptResult } from '../payments/start-attempt';
import type { Cart } from '../cart/cart';
import { checkoutTokenIsLive, takeCheckoutToken } from './checkout-token';
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

export async function placeOrder(deps: PaymentAttemptDependencies, input: PlaceOrderInput, hooks: PlaceOrderHooks = {}): Promise<PlaceOrderResult> {
  const now = deps.clock();
  // The bank's first round trip goes with the prices, before the order is written; a refused cart
  // or a repeated form leaves it unused, which costs nothing. An empty cart, the refusal anyone can
  // post, asks the bank nothing.
  const bank = input.cart.length > 0 ? prepareCreateAtBank(deps.sinopac) : undefined;
  const priced = await priceOrder(deps.db, input);
  let opened: OpenedAttempt | undefined;
  if ('outcome' in priced) {
    // A form already used is told so before anything about its cart: its order emptied the cart.
    if (await checkoutTokenIsLive(deps.db, input.sessionId, input.checkoutToken)) return priced;
  } else {
    try {
      opened = await writeOrder(deps.db, now, input, priced);
    } catch (error) {
      // The statement was rolled back whole, its token included.
      if (isStockShortage(error)) return { outcome: 'cart_unavailable' };
      throw error;
    }
  }
  if (!opened) {
    const latest = await deps.db.order.findFirst({ where: { ownerToken: input.shopperId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
    return { outcome: 'already_placed', latestOrderId: latest?.id };
  }
  const orderId = opened.order.id;
  const { placed, toCardPage } = hooks;
  const forgotten = placed?.();
  const sendOn = toCardPage && (async (cardPayUrl: string) => {
    await forgotten;
    toCardPage(cardPayUrl);
  });
  const [started] = await Promise.all([createAtBank(deps, opened, now, { bank, toCardPage: sendOn }), forgotten]);
  return { outcome: 'placed', orderId, next: nextPage(deps, orderId, started) };
}

export interface PlaceOrderHooks {
  /** Run once the order is written, while its attempt goes to the bank: the session forgets the cart. */
  placed?: () => Promise<void>;
  /**
   * The bank's card page, as soon as OrderCreate gives it and `placed` is done, while its answer is
   * stored (createAtBank): the shopper may be sent there before placeOrder returns.
   */
  toCardPage?: (cardPayUrl: string) => void;
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

// Read before the order is written, by a statement of its own: under READ COMMITTED a statement
// sees the prices as of its own start in a transaction or not, and the stock is checked as it is taken.
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

/**
 * The form's token, the stock, the order, its lines and its first attempt: one statement, so one
 * round trip and all or nothing (through the query builder, in a transaction, it took eight). Nothing
 * is written when the token is gone (undefined). The stock is reserved for as long as the order
 * waits for its payment, as reserveStock (orders/stock-reservation.ts) does: the products' rows are
 * locked in id order, so carts that share products wait for each other instead of deadlocking, and
 * a product short of stock is refused by the database's own rule (CHECK "Product_stock_check"),
 * which rolls the statement back: two shoppers cannot both take the last one.
 */
async function writeOrder(db: Database, now: Date, input: PlaceOrderInput, { lines, totalTwd, shippingTwd }: PricedOrder): Promise<OpenedAttempt | undefined> {
  const order = { id: randomUUID(), number: newOrderNumber(now), locale: input.locale, payType: input.payType, totalTwd, lines };
  const attempt = { id: randomUUID(), ...newAttemptColumns(order, input.payType, now) };
  const invoice = invoiceColumns(input.invoice);
  const { customer, delivery } = input;
  const [payment] = await db.$queryRaw<Payment[]>`
    WITH token AS (${takeCheckoutToken(input.sessionId, input.checkoutToken)}
    ), wanted AS (
      SELECT "productId", sum("quantity")::int AS "quantity"
      FROM jsonb_to_recordset(${JSON.stringify(lines)}::jsonb) AS line("productId" int, "quantity" int)
      GROUP BY "productId"
    ), locked AS MATERIALIZED (
      SELECT "id" FROM "Product" WHERE "id" IN (SELECT "productId" FROM wanted) AND EXISTS (SELECT 1 FROM token)
      ORDER BY "id" FOR UPDATE
    ), reserved AS (
      UPDATE "Product" p SET "stock" = p."stock" - wanted."quantity", "updatedAt" = now() AT TIME ZONE 'UTC'
      FROM locked JOIN wanted ON wanted."productId" = locked."id"
      WHERE p."id" = locked."id"
    ), placed AS (
      INSERT INTO "Order" ("id", "number", "ownerToken", "customerName", "email", "phone", "locale", "payType", "totalTwd", "shippingTwd",
        "recipientName", "recipientPhone", "postcode", "city", "district", "street",
        "invoiceRecipient", "invoiceCarrierNumber", "invoiceTaxId", "invoiceCompanyName", "invoiceDonationCode", "createdAt", "updatedAt")
      SELECT ${order.id}, ${order.number}, ${input.shopperId}, ${customer.name}, ${customer.email}, ${customer.phone}, ${order.locale},
        ${order.payType}::"PayType", ${totalTwd}, ${shippingTwd},
        ${delivery.recipientName}, ${delivery.recipientPhone}, ${delivery.postcode}, ${delivery.city}, ${delivery.district}, ${delivery.street},
        ${invoice.invoiceRecipient}::"InvoiceRecipient", ${invoice.invoiceCarrierNumber}, ${invoice.invoiceTaxId}, ${invoice.invoiceCompanyName},
        ${invoice.invoiceDonationCode}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
      FROM token
      RETURNING "id"
    ), lines AS (
      -- The lines keep the cart's order, which their ids record.
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
  return payment && { order, payment };
}

/** The database refused to take a product's stock below zero. */
function isStockShortage(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2010') return false;
  const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: unknown; originalMessage?: unknown } } | undefined)?.cause;
  return cause?.originalCode === '23514' && String(cause.originalMessage).includes('Product_stock_check');
}
