// When an invoice can still be voided (docs/einvoice.md, "Refunds: void or allowance"): invoices belong to two-month periods
// (January–February, March–April, …), and after 23:59:59 on the 13th of the odd month that follows
// a period, Taiwan time, none of that period's invoices can be voided; an allowance credits them
// instead. Taiwan is UTC+8 all year, so the arithmetic is plain (src/time/taipei.ts).
import { TAIPEI_OFFSET_MS } from '../time/taipei';

/** The first instant at which an invoice issued at `issuedAt` can no longer be voided. */
export function voidWindowEnd(issuedAt: Date): Date {
  const wall = new Date(issuedAt.getTime() + TAIPEI_OFFSET_MS);
  const month = wall.getUTCMonth() + 1;
  // The period's last month (even), then 00:00 on the 14th of the month after it; Date.UTC carries
  // December's period into January of the next year.
  const periodEnd = month % 2 === 1 ? month + 1 : month;
  return new Date(Date.UTC(wall.getUTCFullYear(), periodEnd, 14) - TAIPEI_OFFSET_MS);
}

export function canStillVoid(issuedAt: Date, now: Date): boolean {
  return now.getTime() < voidWindowEnd(issuedAt).getTime();
}
