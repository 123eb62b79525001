// Stock is never held forever. An unpaid order keeps its stock while one of its attempts can still
// be paid; once none can, it keeps it STOCK_HOLD_MINUTES more (time for the shopper to try another
// card), then expires and gives it back. A new attempt ("pay again") reserves it again, and money
// arriving later still pays the order (order-settlement.ts). What can still be paid:
// - an attempt whose OrderCreate is under way (creating; the reconciler decides it within minutes);
// - an ATM attempt waiting for its transfer (the ATM expiry ends it after its deadline);
// - a card attempt waiting for its payer, until its link expires (CARD_EXP_MINUTES) plus a grace
//   for a payment submitted at the last moment.
// This covers the orders nothing else looks at: a declined card the shopper walked away from, a
// card link left to expire, and an attempt whose OrderCreate failed and was not tried again.
import type { Prisma } from '../generated/prisma/client';
import type { BankCheckDependencies } from '../payments/bank-check';
import { expireAbandonedOrder } from '../payments/order-settlement';
import { logPass } from './pass-report';

export interface StockHoldSettings {
  stockHoldMinutes: number;
  cardExpMinutes: number;
}

/** Minutes past a card link's expiry during which a payment made at the last moment may still arrive. */
export const CARD_LINK_GRACE_MINUTES = 5;

const ORDERS_PER_PASS = 50;

/** The attempts that keep an order's stock held at `now`; the same rule the order is re-checked by under its lock. */
export function attemptsHoldingStock(now: Date, settings: StockHoldSettings): Prisma.PaymentWhereInput {
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  return {
    OR: [
      { status: 'creating' },
      { status: 'pending', payType: 'A' },
      { status: 'pending', payType: 'C', createdAt: { gt: minutesAgo(settings.cardExpMinutes + CARD_LINK_GRACE_MINUTES) } },
      // An attempt that ended only just now: the hold runs from the last thing that happened.
      { updatedAt: { gt: minutesAgo(settings.stockHoldMinutes) } },
    ],
  };
}

export interface ReleaseReport {
  orderId: string;
  released: boolean;
}

/** One pass: expires the unpaid orders whose stock nothing holds any more, oldest first. */
export async function releaseStaleStockHolds(deps: Pick<BankCheckDependencies, 'db' | 'clock' | 'logger'>, settings: StockHoldSettings): Promise<ReleaseReport[]> {
  const now = deps.clock();
  const holding = attemptsHoldingStock(now, settings);
  const stale = await deps.db.order.findMany({
    where: {
      status: 'awaiting_payment',
      createdAt: { lt: new Date(now.getTime() - settings.stockHoldMinutes * 60_000) },
      payments: { none: holding },
    },
    orderBy: { createdAt: 'asc' },
    take: ORDERS_PER_PASS,
    select: { id: true },
  });
  const reports: ReleaseReport[] = [];
  for (const { id } of stale) {
    reports.push({ orderId: id, released: await expireAbandonedOrder(deps.db, id, holding) });
  }
  logPass(deps.logger, 'release-stock-holds', reports.map((report) => ({ settled: report.released ? 'applied' : 'already_applied' })));
  return reports;
}
