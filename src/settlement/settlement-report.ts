// What the back office shows of the settlement: the recent days with their totals and state, and one
// day's lines and differences. Amounts become plain numbers (TWD×100) for the views and the CSV.
import type { Database } from '../db/prisma';
import type { SettlementDay, SettlementDifference, SettlementLine } from '../generated/prisma/client';
import { addDays, taipeiDayOf } from './bank-dates';

export type DayState = Exclude<SettlementDay['state'], 'storing'> | 'not_fetched';

export interface DayTotals {
  payments: number;
  paymentAmount: number;
  refunds: number;
  refundAmount: number;
}

export interface DaySummary {
  day: string;
  /** The day as people write it: 2025-06-10. */
  label: string;
  state: DayState;
  fetchedAt: Date | null;
  bank: DayTotals | null;
  shop: DayTotals | null;
  differenceCount: number;
}

export interface DayDetail extends DaySummary {
  lines: SettlementLine[];
  differences: SettlementDifference[];
}

/** A page of the day: its lines after a position and its differences after an id, each up to DAY_PAGE. */
export interface DayPage extends DayDetail {
  /** Where the next page of lines starts (this page's last position), when more follow. */
  nextLines: number | undefined;
  /** Where the next page of differences starts (this page's last id), when more follow. */
  nextDifferences: number | undefined;
}

/** Lines, and differences, a page of the day shows: a day of the bank can hold 100,000 of each. */
export const DAY_PAGE = 100;

/** How many days, yesterday included, the settlement page lists. */
const LISTED_DAYS = 31;

function summarise(day: string, row: SettlementDay | null): DaySummary {
  const label = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
  // A day still being stored (or left so by a run that stopped) has no complete bill to show yet.
  if (!row || row.state === 'storing') return { day, label, state: 'not_fetched', fetchedAt: null, bank: null, shop: null, differenceCount: 0 };
  return {
    day,
    label,
    state: row.state,
    fetchedAt: row.fetchedAt,
    bank: { payments: row.bankPayments, paymentAmount: Number(row.bankPaymentAmount), refunds: row.bankRefunds, refundAmount: Number(row.bankRefundAmount) },
    shop: { payments: row.shopPayments, paymentAmount: Number(row.shopPaymentAmount), refunds: row.shopRefunds, refundAmount: Number(row.shopRefundAmount) },
    differenceCount: row.differenceCount,
  };
}

/** Yesterday (Taipei) and the days before it, newest first, fetched or not. */
export async function recentDays(db: Database, now: Date): Promise<DaySummary[]> {
  const yesterday = addDays(taipeiDayOf(now), -1);
  const days = Array.from({ length: LISTED_DAYS }, (_, i) => addDays(yesterday, -i));
  const rows = await db.settlementDay.findMany({ where: { day: { in: days } } });
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return days.map((day) => summarise(day, byDay.get(day) ?? null));
}

/** Every line and difference of the day, for its CSV. */
export async function dayDetail(db: Database, day: string): Promise<DayDetail> {
  const row = await db.settlementDay.findUnique({
    where: { day },
    include: { lines: { orderBy: { position: 'asc' } }, differences: { orderBy: { id: 'asc' } } },
  });
  const complete = row && row.state !== 'storing' ? row : null;
  return { ...summarise(day, row), lines: complete?.lines ?? [], differences: complete?.differences ?? [] };
}

/**
 * A page of the day for the back office: its differences (what needs a person) and its lines, each
 * a keyset page after the previous page's last, so a late page reads what the first does.
 */
export async function dayPage(db: Database, day: string, after: { lines?: number; differences?: number } = {}): Promise<DayPage> {
  const row = await db.settlementDay.findUnique({ where: { day } });
  const summary = summarise(day, row);
  if (summary.state === 'not_fetched') return { ...summary, lines: [], differences: [], nextLines: undefined, nextDifferences: undefined };
  const [lines, differences] = await Promise.all([
    db.settlementLine.findMany({ where: { day, position: { gt: after.lines ?? -1 } }, orderBy: { position: 'asc' }, take: DAY_PAGE + 1 }),
    db.settlementDifference.findMany({ where: { day, id: { gt: after.differences ?? 0 } }, orderBy: { id: 'asc' }, take: DAY_PAGE + 1 }),
  ]);
  const shownLines = lines.slice(0, DAY_PAGE);
  const shownDifferences = differences.slice(0, DAY_PAGE);
  return {
    ...summary,
    lines: shownLines,
    differences: shownDifferences,
    nextLines: lines.length > DAY_PAGE ? shownLines.at(-1)!.position : undefined,
    nextDifferences: differences.length > DAY_PAGE ? shownDifferences.at(-1)!.id : undefined,
  };
}
