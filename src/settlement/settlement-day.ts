// One day's settlement: fetch the bank's bill for a Taipei day (BillQuery), keep every line, match
// it against the shop's books, and store the outcome. Running it again for the same day replaces
// what the last run stored, in one transaction, so a day is never half written or counted twice.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { SettlementDay } from '../generated/prisma/client';
import type { SinopacClient } from '../sinopac/client';
import type { BillQueryResponse } from '../sinopac/messages';
import { isBillDay } from './bank-dates';
import { matchDay, type BankLine } from './match';
import { loadShopBookings } from './shop-bookings';

export interface SettlementDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
  /** Called after every day that has differences, e.g. to count them in the metrics. */
  onDifferences?: (day: string, differenceCount: number) => void;
}

/** The bank's answer is for a day other than the one asked about. */
export class BillDayMismatchError extends Error {
  override name = 'BillDayMismatchError';
}

const TRANSACTION = { maxWait: 10_000, timeout: 30_000 } as const;

export async function fetchSettlementDay(deps: SettlementDependencies, day: string): Promise<SettlementDay> {
  if (!isBillDay(day)) throw new RangeError(`not a yyyyMMdd day: ${day}`);
  const bill = await deps.sinopac.billQuery({ BillDate: day });
  requireSameDay(bill, day);
  const lines: BankLine[] = bill.OrderList.map((line, position) => ({
    position, orderNo: line.OrderNo, tsType: line.TSType, payType: line.PayType, amount: line.Amount,
  }));
  const bookings = await loadShopBookings(deps.db, day, [...new Set(lines.map((l) => l.orderNo))]);
  const { differences, bank, shop } = matchDay(day, lines, bookings);

  const summary = {
    state: differences.length > 0 ? ('differences' as const) : ('balanced' as const),
    fetchedAt: deps.clock(),
    bankPayments: bank.payments,
    bankPaymentAmount: BigInt(bank.paymentAmount),
    bankRefunds: bank.refunds,
    bankRefundAmount: BigInt(bank.refundAmount),
    shopPayments: shop.payments,
    shopPaymentAmount: BigInt(shop.paymentAmount),
    shopRefunds: shop.refunds,
    shopRefundAmount: BigInt(shop.refundAmount),
    differenceCount: differences.length,
  };
  const stored = await deps.db.$transaction(async (tx) => {
    // Two runs of one day (the job and "fetch again") write one after the other, never interleaved.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`settlement:${day}`}))`;
    const row = await tx.settlementDay.upsert({ where: { day }, create: { day, ...summary }, update: summary });
    await tx.settlementLine.deleteMany({ where: { day } });
    await tx.settlementDifference.deleteMany({ where: { day } });
    await tx.settlementLine.createMany({
      data: bill.OrderList.map((line, position) => ({
        day,
        position,
        tsNo: line.TSNo ?? null,
        orderNo: line.OrderNo,
        tsType: line.TSType,
        tsDate: line.TSDate ?? null,
        payDate: line.PayDate ?? null,
        payType: line.PayType ?? null,
        amount: line.Amount,
        param1: line.Param1 ?? null,
        param2: line.Param2 ?? null,
        param3: line.Param3 ?? null,
      })),
    });
    await tx.settlementDifference.createMany({ data: differences.map((difference) => ({ day, ...difference })) });
    return row;
  }, TRANSACTION);

  const log = { day, bankLines: lines.length, differences: differences.length };
  if (differences.length > 0) {
    deps.logger.error({ ...log, kinds: countKinds(differences.map((d) => d.kind)) }, `settlement ${day}: the bank's bill and the shop's books differ`);
    deps.onDifferences?.(day, differences.length);
  } else {
    deps.logger.info(log, `settlement ${day}: balanced`);
  }
  return stored;
}

// The answer's BillDate, when there is one, must name the day asked about, in either of the
// layouts the sources suggest (yyyyMMdd, or the .NET toolkit's yyMMdd).
function requireSameDay(bill: BillQueryResponse, day: string): void {
  if (bill.BillDate === undefined) return;
  const digits = bill.BillDate.replace(/\D/g, '');
  if (digits !== day && digits !== day.slice(2)) {
    throw new BillDayMismatchError(`asked for the bill of ${day}, the bank answered for ${bill.BillDate}`);
  }
}

function countKinds(kinds: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
