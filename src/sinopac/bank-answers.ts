// The one place that reads what the bank's answers mean and turns them into neutral outcomes the
// shop can act on: result codes in "Exxxx – text" descriptions (docs/sinopac-protocol.md §6), PayStatus codes
// (§6), pay results (§4.4), refund flags and statuses (§4.3, §6), and whether an answer is
// about the attempt it names. Nothing here knows the shop's tables; callers pass what they hold.
import { parseTaipeiMinute } from '../time/taipei';
import type { OrderQueryEntry, PayResult } from './messages';
import { isPublishedTestCard } from './test-environment';

// "<code> – <text>" with an EN DASH, e.g. "E0302 – 訂單編號重複".
const RESULT_CODE = /^\s*([A-Z]\d{4})(?!\d)/;

/** The bank's code at the start of a Description ("E2001"), when there is one. */
export function resultCodeOf(description: string | undefined | null): string | undefined {
  return RESULT_CODE.exec(description ?? '')?.[1];
}

/** OrderQuery's Status "F" for "no such order" (§6); an empty list (S0001) says the same. */
export const NO_DATA_CODE = 'E2601';

// E9900 the bank is busy, E9999 an unknown system error, M0001 maintenance (§6): a refusal that says
// nothing about the order and may well pass in minutes. (E9917–E9922 are refund rules, not these.)
const TRANSIENT_REFUSALS = new Set(['E9900', 'E9999', 'M0001']);

/** True for a refusal that is about the bank's own state at the moment, not about what was asked. */
export function isTransientRefusal(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_REFUSALS.has(code);
}

/** OrderPayQuery's "no such token / no such data" codes (§6: E24xx/E25xx token, E2601 no data). */
export function isUnknownTokenCode(code: string | undefined): boolean {
  return code !== undefined && /^(E24\d\d|E25\d\d|E2601)$/.test(code);
}

/** What the bank says became of a payment, in the shop's words. */
export type PaymentAtBank =
  | { kind: 'paid'; payDate?: Date; tsNo?: string; cardLast4?: string }
  | { kind: 'failed'; code?: string; description?: string }
  | { kind: 'expired' }
  | { kind: 'cancelled' };

// 1x900 is "settled to the merchant", later than paid. An authorised card (1C300) counts as paid,
// as its PayOut result does: the money is held for the shop.
const PAID = new Set(['1A400', '1A900', '1C300', '1C400', '1C900']);
// 1C350: the authorisation lapsed without capture, so no money moved, like an expired link.
const EXPIRED = new Set(['1A250', '1C250', '1C350']);
const CANCELLED = new Set(['1C351']);

/** OrderQuery's PayStatus as an outcome; undefined while the bank still waits for the payer, or for a code we do not know. */
export function paymentOfOrderEntry(entry: OrderQueryEntry): Extract<PaymentAtBank, { kind: 'paid' | 'expired' | 'cancelled' }> | undefined {
  if (PAID.has(entry.PayStatus)) {
    const payDate = parseTaipeiMinute(entry.PayDate) ?? parseTaipeiMinute(entry.ApprovedDate);
    const cardLast4 = entry.CardParam?.RightCCNo;
    return { kind: 'paid', tsNo: entry.TSNo, ...(payDate && { payDate }), ...(cardLast4 && { cardLast4 }) };
  }
  if (EXPIRED.has(entry.PayStatus)) return { kind: 'expired' };
  if (CANCELLED.has(entry.PayStatus)) return { kind: 'cancelled' };
  return undefined;
}

// PayOut is a payment's result; CaptureOut a scheduled capture of an authorised card. Recurring
// results (RegularOut, RegularEnd) belong to a product the shop does not sell.
const PAYMENT_AP_TYPES = new Set(['PayOut', 'CaptureOut']);

/** OrderPayQuery's result as an outcome, or undefined for a result that is not about paying an attempt. */
export function paymentOfPayResult(result: PayResult): Extract<PaymentAtBank, { kind: 'paid' | 'failed' }> | undefined {
  if (!PAYMENT_AP_TYPES.has(result.APType)) return undefined;
  if (result.Status === 'F') {
    const code = resultCodeOf(result.Description);
    return { kind: 'failed', ...(code && { code }), ...(result.Description && { description: result.Description }) };
  }
  const payDate = parseTaipeiMinute(result.PayDate);
  return { kind: 'paid', tsNo: result.TSNo, ...(payDate && { payDate }), ...(result.RightCCNo && { cardLast4: result.RightCCNo }) };
}

/** The shop's two ways to pay, in its own words (its PayType enum); the bank names them by letter. */
type PayMethod = 'card' | 'atm';
const BANK_LETTER = { card: 'C', atm: 'A' } as const satisfies Record<PayMethod, string>;

const bankLetterOf = (method: PayMethod): 'A' | 'C' => BANK_LETTER[method];

/** The shop's method for a bank PayType letter; undefined for one the shop does not know. */
export function payMethodOfLetter(letter: string): PayMethod | undefined {
  return letter === 'C' ? 'card' : letter === 'A' ? 'atm' : undefined;
}

/** What the shop knows about one attempt, to hold a bank answer against. */
export interface AttemptAtShop {
  orderNo: string;
  amount: number;
  payType: PayMethod;
  tsNo: string | null;
}

/**
 * What in the bank's answer disagrees with the attempt; empty when it is this attempt's. One rule
 * for both answers: once the shop holds the attempt's TSNo, the answer must carry the same one.
 */
export function answerMismatches(
  answer: {
    OrderNo: string; Amount: number; PayType: string; TSNo: string; ShopNo?: string;
    LeftCCNo?: string; RightCCNo?: string; CardParam?: { LeftCCNo?: string; RightCCNo?: string };
  },
  attempt: AttemptAtShop,
  options: { shopNo?: string; publishedTestCardPays?: boolean } = {},
): string[] {
  const found: string[] = [];
  const { shopNo } = options;
  if (shopNo !== undefined && answer.ShopNo !== shopNo) found.push(`ShopNo ${answer.ShopNo} is not ours`);
  // OrderPayQuery names the card at the top level, OrderQuery in CardParam.
  const card = answer.CardParam ?? answer;
  if (options.publishedTestCardPays === false && isPublishedTestCard(card.LeftCCNo, card.RightCCNo)) {
    found.push("the card is the bank's published test card, which pays nothing outside test mode");
  }
  if (answer.OrderNo !== attempt.orderNo) found.push(`OrderNo ${answer.OrderNo} is not ${attempt.orderNo}`);
  if (answer.Amount !== attempt.amount) found.push(`Amount ${answer.Amount} is not ${attempt.amount}`);
  if (answer.PayType !== bankLetterOf(attempt.payType)) found.push(`PayType ${answer.PayType} is not ${bankLetterOf(attempt.payType)}`);
  if (attempt.tsNo && answer.TSNo !== attempt.tsNo) found.push(`TSNo ${answer.TSNo} is not ${attempt.tsNo}`);
  return found;
}

/**
 * The refunds the bank holds on an order (OrderQuery's RefundFlag and RefundStatus): how many
 * (RefundFlag N none, Y one, R several, §4.3) and how the latest stands (§6: 2C200 accepted,
 * 2C400 processing, 2C900 done; 2F… failed).
 */
export interface RefundsAtBank {
  count: 0 | 1 | 'several' | 'unknown';
  latest: 'done' | 'in_progress' | 'failed' | 'none' | 'unknown';
}

export function refundsOfOrderEntry(entry: OrderQueryEntry): RefundsAtBank {
  const count = entry.RefundFlag === 'N' || entry.RefundFlag === undefined ? 0 : entry.RefundFlag === 'Y' ? 1 : entry.RefundFlag === 'R' ? 'several' : 'unknown';
  const status = entry.RefundStatus;
  const latest =
    status === undefined || status === '' ? 'none'
    : status === '2C900' ? 'done'
    : status === '2C200' || status === '2C400' ? 'in_progress'
    : status.startsWith('2F') ? 'failed'
    : 'unknown';
  return { count, latest };
}
