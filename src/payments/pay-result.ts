// Reading the bank's pay result (OrderPayQuery's TSResultContent, PROTOCOL.md §4.4): does it belong
// to this attempt, and what does it say happened.
import type { Payment } from '../generated/prisma/client';
import type { PayResult } from '../sinopac/messages';
import type { BankOutcome } from './settle';

/** What in the result disagrees with the attempt it names; empty when it is this attempt's. */
export function payResultMismatches(result: PayResult, payment: Payment, shopNo: string): string[] {
  const found: string[] = [];
  if (result.ShopNo !== shopNo) found.push(`ShopNo ${result.ShopNo} is not ours`);
  if (result.OrderNo !== payment.orderNo) found.push(`OrderNo ${result.OrderNo} is not ${payment.orderNo}`);
  if (result.Amount !== payment.amount) found.push(`Amount ${result.Amount} is not ${payment.amount}`);
  if (result.PayType !== payment.payType) found.push(`PayType ${result.PayType} is not ${payment.payType}`);
  return found;
}

// PayOut is a payment's result; CaptureOut a scheduled capture of an authorised card. Recurring
// results (RegularOut, RegularEnd) belong to a product the shop does not sell.
const PAYMENT_AP_TYPES = new Set(['PayOut', 'CaptureOut']);

/** The outcome to settle, or undefined for a result that is not about paying an attempt. */
export function outcomeOfPayResult(result: PayResult): BankOutcome | undefined {
  if (!PAYMENT_AP_TYPES.has(result.APType)) return undefined;
  if (result.Status === 'F') {
    const code = /^\s*([A-Z]\d{4})/.exec(result.Description ?? '')?.[1];
    return { kind: 'failed', ...(code && { code }), ...(result.Description && { description: result.Description }) };
  }
  const payDate = taipeiMinuteToDate(result.PayDate);
  return {
    kind: 'paid',
    tsNo: result.TSNo,
    ...(payDate && { payDate }),
    ...(result.RightCCNo && { cardLast4: result.RightCCNo }),
  };
}

/** "yyyyMMddHHmm" in Taipei (UTC+8, no daylight saving) as an instant; undefined when absent or malformed. */
export function taipeiMinuteToDate(text: string | undefined): Date | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text ?? '');
  if (!parts) return undefined;
  const [year, month, day, hour, minute] = parts.slice(1).map(Number) as [number, number, number, number, number];
  const taipei = new Date(Date.UTC(year, month - 1, day, hour, minute));
  const roundTrips =
    taipei.getUTCFullYear() === year && taipei.getUTCMonth() === month - 1 && taipei.getUTCDate() === day &&
    taipei.getUTCHours() === hour && taipei.getUTCMinutes() === minute;
  return roundTrips ? new Date(taipei.getTime() - 8 * 3_600_000) : undefined;
}
