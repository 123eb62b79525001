// The cart with today's prices and stock from the database, for showing it. Products that were
// withdrawn since they were added are left out, and reported so the session's cart can drop them.
import type { Database } from '../db/prisma';
import type { Product } from '../generated/prisma/client';
import type { Cart } from './cart';
import { shippingFeeTwd } from './shipping';

export interface PricedLine {
  product: Product;
  quantity: number;
  lineTotalTwd: number;
  /** Fewer in stock than the shopper wants: checkout will refuse until the quantity is lowered. */
  short: boolean;
  /** None left at all: the line can only be removed. */
  soldOut: boolean;
}

export interface PricedCart {
  lines: PricedLine[];
  /** The goods alone. */
  totalTwd: number;
  /** The fee checkout adds (src/cart/shipping.ts), and goods plus fee: what the order will cost. */
  shippingTwd: number;
  grandTotalTwd: number;
  /** The session's cart had products that are no longer sold; `kept` is the cart without them. */
  withdrawn: boolean;
  kept: Cart;
  /** Every line can be delivered. */
  orderable: boolean;
}

export async function priceCart(db: Database, cart: Cart): Promise<PricedCart> {
  const products = await db.product.findMany({ where: { id: { in: cart.map((item) => item.productId) }, status: 'active' } });
  const byId = new Map(products.map((product) => [product.id, product]));
  const lines: PricedLine[] = [];
  for (const { productId, quantity } of cart) {
    const product = byId.get(productId);
    if (!product) continue;
    lines.push({ product, quantity, lineTotalTwd: product.priceTwd * quantity, short: product.stock < quantity, soldOut: product.stock <= 0 });
  }
  const withdrawn = lines.length < cart.length;
  const totalTwd = lines.reduce((sum, line) => sum + line.lineTotalTwd, 0);
  const shippingTwd = shippingFeeTwd(totalTwd);
  return {
    lines,
    totalTwd,
    shippingTwd,
    grandTotalTwd: totalTwd + shippingTwd,
    withdrawn,
    kept: lines.map((line) => ({ productId: line.product.id, quantity: line.quantity })),
    orderable: !withdrawn && lines.length > 0 && lines.every((line) => !line.short),
  };
}
