// Stock is never held forever. An unpaid order keeps its stock while one of its attempts can still
// be paid; once none can, it keeps it STOCK_HOLD_MINUTES more (time for the shopper to try another
// card), then expires and gives it back. A new attempt ("pay again") reserves it again, and money
// arriving later still pays the order (apply-to-order.ts). What can still be paid:
// - an attempt whose OrderCreate is under way (creating; the bank check decides it within minutes);
// - an ATM attempt waiting for its transfer (the ATM expiry ends it after its deadline);
// - a card attempt waiting for its payer, until its link expires (CARD_EXP_MINUTES) plus a grace
//   for a payment submitted at the last moment.
// This covers the orders nothing else looks at: a declined card the shopper walked away from, a
// card link left to expire, and an attempt whose OrderCreate failed and was not tried again.
import { MONEY_TRANSACTION } from '../db/row-locks';
import type { BankCheckDependencies } from '../payments/bank-check';
import { attemptsHoldingStock, expireOrderUnlessHeld } from '../payments/apply-to-order';
import { logPass } from './pass-report';

export interface StockHoldSettings {
  stockHoldMinutes: number;
  cardExpMinutes: number;
}

const ORDERS_PER_PASS = 50;

export interface ReleaseReport {
  orderId: string;
  released: boolean;
}

/** One pass: expires the unpaid orders whose stock nothing holds any more, oldest first. */
export async function releaseStaleStockHolds(deps: Pick<BankCheckDependencies, 'db' | 'clock' | 'logger'>, settings: StockHoldSettings): Promise<ReleaseReport[]> {
  const now = deps.clock();
  const holding = attemptsHoldingStock({ now, cardExpMinutes: settings.cardExpMinutes, recentMinutes: settings.stockHoldMinutes });
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
    const released = await deps.db.$transaction((tx) => expireOrderUnlessHeld(tx, id, holding), MONEY_TRANSACTION);
    reports.push({ orderId: id, released });
  }
  logPass(deps.logger, 'release-stock-holds', reports.map((report) => ({ applied: report.released ? 'applied' : 'already_applied' })));
  return reports;
}
