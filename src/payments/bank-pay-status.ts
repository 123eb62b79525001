// Reading OrderQuery's answer about one attempt (PROTOCOL.md §4.3, PayStatus codes §6): is it about
// this attempt, and what does its PayStatus say happened.
import type { Payment } from '../generated/prisma/client';
import type { OrderQueryEntry } from '../sinopac/messages';
import { taipeiMinuteToDate } from './pay-result';
import type { BankOutcome } from './settle';

// 1x900 is "settled to the merchant", later than paid. An authorised card (1C300) counts as paid,
// as its PayOut result does: the money is held for the shop.
const PAID = new Set(['1A400', '1A900', '1C300', '1C400', '1C900']);
// 1C350: the authorisation lapsed without capture, so no money moved, like an expired link.
const EXPIRED = new Set(['1A250', '1C250', '1C350']);
const CANCELLED = new Set(['1C351']);

/** The outcome to settle; undefined while the bank still waits for the payer, or for a code we do not know. */
export function outcomeOfPayStatus(entry: OrderQueryEntry): BankOutcome | undefined {
  if (PAID.has(entry.PayStatus)) {
    const payDate = taipeiMinuteToDate(entry.PayDate) ?? taipeiMinuteToDate(entry.ApprovedDate);
    const cardLast4 = entry.CardParam?.RightCCNo;
    return { kind: 'paid', tsNo: entry.TSNo, ...(payDate && { payDate }), ...(cardLast4 && { cardLast4 }) };
  }
  if (EXPIRED.has(entry.PayStatus)) return { kind: 'expired' };
  if (CANCELLED.has(entry.PayStatus)) return { kind: 'cancelled' };
  return undefined;
}

/** What in the entry disagrees with the attempt; empty when it is this attempt's. */
export function entryMismatches(entry: OrderQueryEntry, payment: Payment): string[] {
  const found: string[] = [];
  if (entry.Amount !== payment.amount) found.push(`Amount ${entry.Amount} is not ${payment.amount}`);
  if (entry.PayType !== payment.payType) found.push(`PayType ${entry.PayType} is not ${payment.payType}`);
  if (payment.tsNo && entry.TSNo !== payment.tsNo) found.push(`TSNo ${entry.TSNo} is not ${payment.tsNo}`);
  return found;
}
