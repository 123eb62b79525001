// Dates of the bank's bill. BillQuery's formats are not public (docs/sinopac-protocol.md §4.5), so its dates
// are read defensively: every layout a source hints at is accepted, in Taipei time (UTC+8, no
// daylight saving), and anything else is "unreadable" rather than guessed at.
import { TAIPEI_OFFSET_MS, taipeiDayAfter } from '../time/taipei';

const DAY_MS = 24 * 3_600_000;

// Digits left after dropping separators ("2025-06-10 13:05", "2025/06/10T13:05:00" ...):
// 14 yyyyMMddHHmmss, 12 yyyyMMddHHmm (the other services' format), 8 yyyyMMdd, and the two-digit
// years the bank's .NET toolkit comments name, 10 yyMMddHHmm and 6 yyMMdd (read as 20yy).
const LAYOUTS: Record<number, (d: string) => [string, string, string, string, string]> = {
  14: (d) => [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8), d.slice(8, 10), d.slice(10, 12)],
  12: (d) => [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8), d.slice(8, 10), d.slice(10, 12)],
  10: (d) => [`20${d.slice(0, 2)}`, d.slice(2, 4), d.slice(4, 6), d.slice(6, 8), d.slice(8, 10)],
  8: (d) => [d.slice(0, 4), d.slice(4, 6), d.slice(6, 8), '00', '00'],
  6: (d) => [`20${d.slice(0, 2)}`, d.slice(2, 4), d.slice(4, 6), '00', '00'],
};

/** The instant a bank date names, or undefined when it is in no layout we know or is no real date. */
export function parseBankDateTime(text: string | undefined): Date | undefined {
  if (text === undefined || !/^[\d\s/:.T-]+$/.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  const layout = LAYOUTS[digits.length];
  if (!layout) return undefined;
  const [y, mo, d, h, mi] = layout(digits).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi);
  // Date.UTC rolls 31 June over to 1 July; such a date is not a date.
  if (new Date(utc).getUTCDate() !== d) return undefined;
  return new Date(utc - TAIPEI_OFFSET_MS);
}

/** The Taipei calendar day `yyyyMMdd` an instant falls on. */
export function taipeiDayOf(date: Date): string {
  return taipeiDayAfter(date, 0).yyyyMMdd;
}

/** Whether `text` is a real `yyyyMMdd` day. */
export function isBillDay(text: string): boolean {
  return /^\d{8}$/.test(text) && parseBankDateTime(text) !== undefined;
}

/** When a Taipei day `yyyyMMdd` starts, and when the next one does. */
export function taipeiDayBounds(day: string): { start: Date; end: Date } {
  const start = parseBankDateTime(day);
  if (!start || day.length !== 8) throw new RangeError(`not a yyyyMMdd day: ${day}`);
  return { start, end: new Date(start.getTime() + DAY_MS) };
}

/** The day `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  return taipeiDayOf(new Date(taipeiDayBounds(day).start.getTime() + days * DAY_MS));
}
