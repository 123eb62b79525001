// Time as the bank and the merchant count it: Asia/Taipei, which is UTC+8 all year (no daylight
// saving), so plain arithmetic on the offset is exact and needs no time-zone database.
export const TAIPEI_OFFSET_MS = 8 * 3_600_000;
/** For Intl formatting of times shown to people. */
export const TAIPEI_TIME_ZONE = 'Asia/Taipei';
const DAY_MS = 24 * 3_600_000;

/** The instant shifted so that its UTC fields read as Taipei's wall clock. */
const asTaipeiWallClock = (instant: Date) => new Date(instant.getTime() + TAIPEI_OFFSET_MS);

/** The Taipei calendar day of `instant` as "yyyy-MM-dd". */
export function taipeiDate(instant: Date): string {
  return asTaipeiWallClock(instant).toISOString().slice(0, 10);
}

/** The Taipei calendar day of `instant` as "yyMMdd" (as SinoPac OrderNos start). */
export function taipeiYYMMDD(instant: Date): string {
  return taipeiDate(instant).slice(2).replaceAll('-', '');
}

/** The first instant of a Taipei calendar day given as "yyyy-MM-dd". */
export function startOfTaipeiDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - TAIPEI_OFFSET_MS);
}

export interface TaipeiDay {
  /** The day as the bank writes it, e.g. "20261203". */
  yyyyMMdd: string;
  /** The last millisecond of that day in Taipei. */
  endsAt: Date;
}

/** The Taipei calendar day `days` after the one `now` falls on. */
export function taipeiDayAfter(now: Date, days: number): TaipeiDay {
  const taipeiMidnight = Math.floor((now.getTime() + TAIPEI_OFFSET_MS) / DAY_MS) * DAY_MS;
  const day = new Date(taipeiMidnight + days * DAY_MS);
  const yyyyMMdd = day.toISOString().slice(0, 10).replaceAll('-', '');
  return { yyyyMMdd, endsAt: new Date(day.getTime() + DAY_MS - 1 - TAIPEI_OFFSET_MS) };
}

/** The bank's "yyyyMMddHHmm" (Taipei) as an instant; undefined when absent or not a real minute. */
export function parseTaipeiMinute(text: string | undefined): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text ?? '');
  if (!parts) return undefined;
  const [year, month, day, hour, minute] = parts.slice(1).map(Number) as [number, number, number, number, number];
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute));
  const roundTrips =
    wall.getUTCFullYear() === year && wall.getUTCMonth() === month - 1 && wall.getUTCDate() === day &&
    wall.getUTCHours() === hour && wall.getUTCMinutes() === minute;
  return roundTrips ? new Date(wall.getTime() - TAIPEI_OFFSET_MS) : undefined;
}
