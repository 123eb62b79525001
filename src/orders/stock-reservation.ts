// Stock belongs to an order from the moment it is placed until it ends unpaid: an ATM order may
// wait days for its transfer, and must not find its goods sold to someone else meanwhile. So stock
// is reserved once, when the order is placed (or revived by a new attempt), released once, when it
// ends unpaid (its attempts expired, or none of them can be paid any more and the hold has passed:
// jobs/release-stock-holds.ts), and never touched by a payment. Callers make "once" hold by calling these only after
// a conditional change of the order's status that they themselves made.
import type { Prisma } from '../generated/prisma/client';
import { lockProductStock } from '../db/row-locks';

type Tx = Prisma.TransactionClient;

export interface StockLine {
  productId: number;
  quantity: number;
}

/** Some line could not be reserved; thrown so that the caller's transaction rolls back whole. */
export class StockUnavailableError extends Error {
  override name = 'StockUnavailableError';
  constructor(readonly productId: number) {
    super(`not enough stock of product ${productId}`);
  }
}

// Products are always changed in id order, so two transactions that take the same products wait
// for each other instead of deadlocking.
const byProduct = (lines: readonly StockLine[]) => [...lines].sort((a, b) => a.productId - b.productId);

/** Takes every line or throws StockUnavailableError; the conditional decrement is the stock check. */
export async function reserveStock(tx: Tx, lines: readonly StockLine[]): Promise<void> {
  for (const { productId, quantity } of byProduct(lines)) {
    const { count } = await tx.product.updateMany({
      where: { id: productId, stock: { gte: quantity } },
      data: { stock: { decrement: quantity } },
    });
    if (count === 0) throw new StockUnavailableError(productId);
  }
}

export async function releaseStock(tx: Tx, lines: readonly StockLine[]): Promise<void> {
  for (const { productId, quantity } of byProduct(lines)) {
    await tx.product.update({ where: { id: productId }, data: { stock: { increment: quantity } } });
  }
}

/**
 * For money that arrived after the order had released its stock: takes what is left, never below
 * zero (the database refuses that), and returns what could not be taken. The payment stands either
 * way; a shortfall is goods the shop must find or refund.
 */
export async function retakeStock(tx: Tx, lines: readonly StockLine[]): Promise<StockLine[]> {
  const short: StockLine[] = [];
  for (const { productId, quantity } of byProduct(lines)) {
    const taken = Math.min((await lockProductStock(tx, productId)) ?? 0, quantity);
    if (taken > 0) await tx.product.update({ where: { id: productId }, data: { stock: { decrement: taken } } });
    if (taken < quantity) short.push({ productId, quantity: quantity - taken });
  }
  return short;
}
