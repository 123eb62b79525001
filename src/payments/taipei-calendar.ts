// Calendar days as the bank counts them: Asia/Taipei, which is UTC+8 all year (no daylight saving).
const TAIPEI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

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
