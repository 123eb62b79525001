// The bank's dates are Taiwan local time (docs/sinopac-protocol.md §6). Taiwan has had no daylight saving
// since 1979, so a fixed UTC+8 offset is exact and needs no time-zone database.
export const TAIPEI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

const two = (n: number) => String(n).padStart(2, '0');

function shifted(date: Date): Date {
  return new Date(date.getTime() + TAIPEI_OFFSET_MS);
}

/** `yyyyMMdd` in Taipei. */
export function taipeiDay(date: Date): string {
  const d = shifted(date);
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}

/** `yyyyMMddHHmm` in Taipei. */
export function taipeiMinute(date: Date): string {
  const d = shifted(date);
  return `${taipeiDay(date)}${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}

function parse(text: string, pattern: RegExp, format: (date: Date) => string): Date | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h, mi) - TAIPEI_OFFSET_MS);
  // Date.UTC rolls 20240230 over to March; formatting back rejects such dates.
  return format(date) === text ? date : undefined;
}

/** The instant a Taipei day `yyyyMMdd` begins, or undefined when it is not a real date. */
export function parseTaipeiDay(text: string): Date | undefined {
  return parse(text, /^(\d{4})(\d{2})(\d{2})$/, taipeiDay);
}

/** The instant of a Taipei `yyyyMMddHHmm`, or undefined when it is not a real date and time. */
export function parseTaipeiMinute(text: string): Date | undefined {
  return parse(text, /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/, taipeiMinute);
}
