// ECPay's dates are Taiwan local time. Taiwan has had no daylight saving since 1979, so a fixed
// UTC+8 offset is exact and needs no time-zone database.
const TAIPEI_OFFSET_MS = 8 * 60 * 60 * 1000;

const two = (n: number) => String(n).padStart(2, '0');

/** The Taiwan wall-clock fields of an instant. */
function wallClock(date: Date) {
  const d = new Date(date.getTime() + TAIPEI_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** `yyyy-MM-dd` in Taiwan. */
export function taiwanDate(date: Date): string {
  const t = wallClock(date);
  return `${t.year}-${two(t.month)}-${two(t.day)}`;
}

/** `yyyy-MM-dd HH:mm:ss` in Taiwan, as InvoiceDate and IA_Date are written. */
export function taiwanDateTime(date: Date): string {
  const t = wallClock(date);
  return `${taiwanDate(date)} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** `yyyyMMddHHmm` in Taiwan, the head of an allowance number. */
export function taiwanMinuteDigits(date: Date): string {
  return taiwanDateTime(date).replace(/\D/g, '').slice(0, 12);
}

/**
 * The last instant an invoice may be voided (PROTOCOL.md rule 5): 23:59:59 on the 13th of the odd
 * month after its two-month period, Taiwan time. An invoice of January–February can be voided up to
 * 13 March 23:59:59; one of November–December up to 13 January of the next year.
 */
export function voidDeadline(issuedAt: Date): Date {
  const { year, month } = wallClock(issuedAt);
  const periodEnd = month % 2 === 0 ? month : month + 1; // 2, 4, … 12
  const deadlineMonth = periodEnd + 1; // 3, 5, … 13 (January of the next year)
  return new Date(Date.UTC(year, deadlineMonth - 1, 13, 23, 59, 59, 999) - TAIPEI_OFFSET_MS);
}

/** ROC year (3 digits) and the even month that ends the invoice's period, e.g. `11202`, the head of PosBarCode. */
export function rocPeriod(issuedAt: Date): string {
  const { year, month } = wallClock(issuedAt);
  return `${String(year - 1911).padStart(3, '0')}${two(month % 2 === 0 ? month : month + 1)}`;
}
