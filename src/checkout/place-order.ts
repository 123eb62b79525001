// Placing an order: the cart becomes an Order at today's database prices, stock is reserved, and
// the first payment attempt is started. The order, its stock and its first attempt are written in
// one transaction, then the attempt goes to the bank (payments/start-attempt.ts).
import { randomInt } from 'node:crypto';
import type { Locale } from '../i18n/locales';
import type { PayType, Prisma } from '../generated/prisma/client';
import { createAtBank, openFirstAttempt, type OpenedAttempt, type PaymentAttemptDependencies, type StartAttemptResult } from '../payments/start-attempt';
import type { Cart } from '../cart/cart';
import { consumeCheckoutToken } from './checkout-token';
import { reserveStock, StockUnavailableError } from '../orders/stock-reservation';
import { atmTakes } from '../sinopac/shop-bank';
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

export async function placeOrder(deps: PaymentAttemptDependencies, input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const now = deps.clock();
  let opened: OpenedAttempt | undefined;
  try {
    opened = await deps.db.$transaction((tx) => createOrder(tx, now, input));
  } catch (error) {
    if (error instanceof OrderRefused) return error.result;
    throw error;
  }
  if (!opened) {
    const latest = await deps.db.order.findFirst({ where: { ownerToken: input.shopperId }, orderBy: { createdAt: 'desc' }, select: { id: true } });
    return { outcome: 'already_placed', latestOrderId: latest?.id };
  }
  const orderId = opened.order.id;
  const started = await createAtBank(deps, opened, now);
  return { outcome: 'placed', orderId, next: nextPage(deps, orderId, started) };
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

async function createOrder(tx: Prisma.TransactionClient, now: Date, input: PlaceOrderInput): Promise<OpenedAttempt | undefined> {
  if (!(await consumeCheckoutToken(tx, input.sessionId, input.checkoutToken))) return undefined;

  const ids = input.cart.map((item) => item.productId);
  const products = await tx.product.findMany({ where: { id: { in: ids }, status: 'active' } });
  if (input.cart.length === 0 || products.length !== new Set(ids).size) throw new OrderRefused({ outcome: 'cart_unavailable' });
  const byId = new Map(products.map((product) => [product.id, product]));
  const lines = input.cart.map(({ productId, quantity }) => {
    const product = byId.get(productId)!;
    return { productId, quantity, unitPriceTwd: product.priceTwd, nameZh: product.nameZh, nameEn: product.nameEn };
  });
  const itemsTwd = lines.reduce((sum, line) => sum + line.unitPriceTwd * line.quantity, 0);
  const shippingTwd = shippingFeeTwd(itemsTwd);
  const totalTwd = itemsTwd + shippingTwd;
  if (input.payType === 'atm' && !atmTakes(totalTwd)) throw new OrderRefused({ outcome: 'over_atm_limit' });

  // Reserved now, for as long as the order waits for its payment; two shoppers cannot both take the last one.
  try {
    await reserveStock(tx, lines);
  } catch (error) {
    if (error instanceof StockUnavailableError) throw new OrderRefused({ outcome: 'cart_unavailable' });
    throw error;
  }

  const order = await tx.order.create({
    data: {
      number: newOrderNumber(now),
      ownerToken: input.shopperId,
      customerName: input.customer.name,
      email: input.customer.email,
      phone: input.customer.phone,
      locale: input.locale,
      payType: input.payType,
      totalTwd,
      shippingTwd,
      ...input.delivery,
      ...invoiceColumns(input.invoice),
      lines: { create: lines },
    },
    select: { id: true, number: true, locale: true, payType: true, totalTwd: true },
  });
  return openFirstAttempt(tx, { ...order, lines }, now);
}
