// One day's settlement: fetch the bank's bill for a Taipei day (BillQuery), keep every line, match
// it against the shop's books, and store the outcome. A bill can hold 100,000 lines, so they are
// written in batches, each its own short transaction that replaces the same positions, while the
// day is marked `storing`; the last short transaction writes the totals and differences. A run
// that stops half way leaves the day `storing`, which the job fetches again, rewriting the same
// positions, so a day is never counted twice or shown balanced with lines missing.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { SettlementDay } from '../generated/prisma/client';
import type { SinopacClient } from '../sinopac/client';
import { fetchBill, type BillEntry } from '../sinopac/shop-bank';
import { isBillDay } from './bank-dates';
import { matchDay, type BankLine, type Difference } from './match';
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

// Rows a statement: each statement sends one array a column (unnest), so a batch is one short
// INSERT; Prisma's createMany binds every value apart and took a second for 2,000 lines.
const ROWS_PER_BATCH = 5_000;

type Transaction = Parameters<Parameters<Database['$transaction']>[0]>[0];

async function insertLines(tx: Transaction, day: string, lines: readonly BillEntry[], from: number): Promise<void> {
  const column = <T>(pick: (line: BillEntry) => T) => lines.map(pick);
  await tx.$executeRaw`
    INSERT INTO "SettlementLine" (day, position, "tsNo", "orderNo", "tsType", "tsDate", "payDate", "payType", amount, param1, param2, param3)
    SELECT ${day}, ${from}::int + n - 1, "tsNo", "orderNo", "tsType", "tsDate", "payDate", "payType", amount, param1, param2, param3
    FROM unnest(${column((l) => l.tsNo ?? null)}::text[], ${column((l) => l.orderNo)}::text[], ${column((l) => l.tsType)}::text[],
                ${column((l) => l.tsDate ?? null)}::text[], ${column((l) => l.payDate ?? null)}::text[], ${column((l) => l.payType ?? null)}::text[],
                ${column((l) => l.amount)}::int[], ${column((l) => l.param1 ?? null)}::text[], ${column((l) => l.param2 ?? null)}::text[],
                ${column((l) => l.param3 ?? null)}::text[])
         WITH ORDINALITY AS line("tsNo", "orderNo", "tsType", "tsDate", "payDate", "payType", amount, param1, param2, param3, n)`;
}

async function insertDifferences(tx: Transaction, day: string, differences: readonly Difference[]): Promise<void> {
  for (let start = 0; start < differences.length; start += ROWS_PER_BATCH) {
    const batch = differences.slice(start, start + ROWS_PER_BATCH);
    const column = <T>(pick: (difference: Difference) => T) => batch.map(pick);
    await tx.$executeRaw`
      INSERT INTO "SettlementDifference" (day, kind, "linePosition", "orderNo", "tsType", "bankAmount", "shopAmount", "bankPayType", "shopPayType", "shopDay", "paymentId", "orderId")
      SELECT ${day}, kind::"SettlementDifferenceKind", "linePosition", "orderNo", "tsType", "bankAmount", "shopAmount", "bankPayType", "shopPayType", "shopDay", "paymentId", "orderId"
      FROM unnest(${column((d) => d.kind)}::text[], ${column((d) => d.linePosition)}::int[], ${column((d) => d.orderNo)}::text[],
                  ${column((d) => d.tsType)}::text[], ${column((d) => d.bankAmount)}::int[], ${column((d) => d.shopAmount)}::int[],
                  ${column((d) => d.bankPayType)}::text[], ${column((d) => d.shopPayType)}::text[], ${column((d) => d.shopDay)}::text[],
                  ${column((d) => d.paymentId)}::text[], ${column((d) => d.orderId)}::text[])
           WITH ORDINALITY AS d(kind, "linePosition", "orderNo", "tsType", "bankAmount", "shopAmount", "bankPayType", "shopPayType", "shopDay", "paymentId", "orderId", n)
      ORDER BY n`;
  }
}

// Two runs of one day (the job and "fetch again") write one transaction after the other.
async function lockDay(tx: Transaction, day: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`settlement:${day}`}))`;
}

/** Writes the bill's lines, a batch a transaction, each replacing the positions it holds. */
async function storeLines(db: Database, day: string, lines: readonly BillEntry[]): Promise<void> {
  for (let start = 0; start < lines.length; start += ROWS_PER_BATCH) {
    const end = Math.min(start + ROWS_PER_BATCH, lines.length);
    await db.$transaction(async (tx) => {
      await lockDay(tx, day);
      await tx.settlementLine.deleteMany({ where: { day, position: { gte: start, lt: end } } });
      await insertLines(tx, day, lines.slice(start, end), start);
    }, TRANSACTION);
  }
}

export async function fetchSettlementDay(deps: SettlementDependencies, day: string): Promise<SettlementDay> {
  if (!isBillDay(day)) throw new RangeError(`not a yyyyMMdd day: ${day}`);
  const bill = await fetchBill(deps.sinopac, day);
  requireSameDay(bill.billDate, day);
  const lines: BankLine[] = bill.entries.map((entry, position) => ({
    position, orderNo: entry.orderNo, tsType: entry.tsType, payType: entry.payType, amount: entry.amount,
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
  await deps.db.$transaction(async (tx) => {
    await lockDay(tx, day);
    await tx.settlementDay.upsert({ where: { day }, create: { day, ...summary, state: 'storing' }, update: { state: 'storing' } });
  }, TRANSACTION);
  await storeLines(deps.db, day, bill.entries);
  const stored = await deps.db.$transaction(async (tx) => {
    await lockDay(tx, day);
    await tx.settlementLine.deleteMany({ where: { day, position: { gte: bill.entries.length } } });
    await tx.settlementDifference.deleteMany({ where: { day } });
    await insertDifferences(tx, day, differences);
    return tx.settlementDay.update({ where: { day }, data: summary });
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

// The day the bill says it is for, when it says, must be the day asked about, in either of the
// layouts the sources suggest (yyyyMMdd, or the .NET toolkit's yyMMdd).
function requireSameDay(billDate: string | undefined, day: string): void {
  if (billDate === undefined) return;
  const digits = billDate.replace(/\D/g, '');
  if (digits !== day && digits !== day.slice(2)) {
    throw new BillDayMismatchError(`asked for the bill of ${day}, the bank answered for ${billDate}`);
  }
}

function countKinds(kinds: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of kinds) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}
