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

export async function dayDetail(db: Database, day: string): Promise<DayDetail> {
  const row = await db.settlementDay.findUnique({
    where: { day },
    include: { lines: { orderBy: { position: 'asc' } }, differences: { orderBy: { id: 'asc' } } },
  });
  const complete = row && row.state !== 'storing' ? row : null;
  return { ...summarise(day, row), lines: complete?.lines ?? [], differences: complete?.differences ?? [] };
}
