// The bank in the shop's terms: every call the shop makes to SinoPac goes through one of these
// functions, which build the bank's message and read its answer, and hand back neutral values (a
// method, amounts, an outcome with a reason). The shop outside src/sinopac/ never spells a PayType
// letter, a Command, an E-code or a message field; what the bank's answers mean is read in
// bank-answers.ts.
import type { PayType as PayMethod } from '../generated/prisma/client';
import { taipeiDayAfter } from '../time/taipei';
import {
  answerMismatches, isTransientRefusal, isUnknownTokenCode, NO_DATA_CODE, paymentOfOrderEntry, paymentOfPayResult,
  payMethodOfLetter, refundsOfOrderEntry, type AttemptAtShop, type PaymentAtBank, type RefundsAtBank,
} from './bank-answers';
import type { PreparedCall, SinopacClient, SinopacExchange } from './client';
import { bankFailureOf } from './errors';
import { ATM_MAX_AMOUNT, type OrderCreateParams, type OrderCreateResponse, type OrderQueryEntry } from './messages';
import { productNameForBank, type NamedLine } from './product-name';

export type { AttemptAtShop };

/** The bank counts money in TWD×100: an attempt's amount, refunds and the bill are kept that way. */
export const toBankAmount = (twd: number): number => twd * 100;

/** One ATM virtual account collects at most NT$30,000; an order over it can be paid by card only. */
export const atmTakes = (totalTwd: number): boolean => toBankAmount(totalTwd) <= ATM_MAX_AMOUNT;

/** The pay types a new attempt of an order of `totalTwd` may use, card first. */
export function payTypesFor(totalTwd: number): PayMethod[] {
  return atmTakes(totalTwd) ? ['card', 'atm'] : ['card'];
}

/**
 * What a PayToken the bank sends looks like: X(64) in the notification, X(100) in OrderPayQuery,
 * 64 hex digits in every sample seen. Anything else is refused before it costs a bank call.
 */
export const PAY_TOKEN_SHAPE = /^[A-Za-z0-9+/=_.-]{16,100}$/;

/** Where the bank sends the shopper back (return) and its notification (notify), under the shop's public URL. */
export const CALLBACK_PATHS = { notify: '/payments/sinopac/notify', return: '/payments/sinopac/return' } as const;

/** The bank refuses ATM expiry dates more than 30 days ahead. */
const ATM_MAX_EXPIRE_DAYS = 30;
/** The bank's own code, shown with the virtual account; QPay accounts are at Bank SinoPac. */
const SINOPAC_BANK_CODE = '807';

/** What OrderCreate is sent for one attempt. */
interface AttemptToCreate {
  orderNo: string;
  payType: PayMethod;
  /** TWD×100. */
  amount: number;
  /** A card attempt: captured as soon as authorised (Payment.autoBilling); null for ATM. */
  captureAtOnce: boolean | null;
  /** The shop's order number and its lines, for the one text the bank's card page shows. */
  orderNumber: string;
  lines: readonly NamedLine[];
}

interface CreateSettings {
  publicBaseUrl: string;
  atmExpireDays: number;
  cardExpMinutes: number;
}

/** What the shopper pays with: the card page's link, or the ATM account and its deadline. */
interface CreatedAtBank {
  tsNo: string;
  cardPayUrl?: string;
  atmPayNo?: string;
  atmBankCode?: string;
  webAtmUrl?: string | null;
  atmDeadline?: Date;
}

type CreateAnswer =
  | ({ kind: 'created' } & CreatedAtBank)
  /**
   * No usable attempt. bank_refused: the bank said no (`bankCode` when it gave one) or the message
   * broke its rules and was never sent; bank_unavailable: no answer, or one that cannot be trusted,
   * so whether the bank holds the order is unknown. `code` is the bank's, or what went wrong.
   */
  | { kind: 'failed'; reason: 'bank_refused' | 'bank_unavailable'; bankCode?: string; code?: string; message: string; cause: unknown };

/**
 * The bank readied for one attempt's creation before the attempt is written: what the bank needs
 * first (a nonce) is asked for at once, so that its round trip overlaps the shop's own writes.
 * Dropping it unused is harmless.
 */
export type PreparedCreate = PreparedCall<OrderCreateParams, OrderCreateResponse>;

export function prepareCreateAtBank(sinopac: SinopacClient): PreparedCreate {
  return sinopac.prepareOrderCreate();
}

/** OrderCreate for one attempt, through the call prepared for it. Never throws: whatever goes wrong is a failed answer. */
export async function createAtBank(bank: PreparedCreate, attempt: AttemptToCreate, settings: CreateSettings, now: Date): Promise<CreateAnswer> {
  const atmDay = taipeiDayAfter(now, Math.min(Math.max(settings.atmExpireDays, 1), ATM_MAX_EXPIRE_DAYS));
  const common = {
    OrderNo: attempt.orderNo,
    Amount: attempt.amount,
    PrdtName: productNameForBank(attempt.lines, attempt.orderNumber),
    ReturnURL: `${settings.publicBaseUrl}${CALLBACK_PATHS.return}`,
    BackendURL: `${settings.publicBaseUrl}${CALLBACK_PATHS.notify}`,
  };
  const params: OrderCreateParams =
    attempt.payType === 'atm'
      ? { ...common, PayType: 'A', ATMParam: { ExpireDate: atmDay.yyyyMMdd } }
      : { ...common, PayType: 'C', CardParam: { AutoBilling: attempt.captureAtOnce === false ? 'N' : 'Y', ExpMinutes: settings.cardExpMinutes } };

  let created: OrderCreateResponse;
  try {
    created = await bank.send(params);
  } catch (error) {
    return { kind: 'failed', ...createFailure(error), cause: error };
  }
  return created.PayType === 'A'
    ? {
        kind: 'created',
        tsNo: created.TSNo,
        atmPayNo: created.ATMParam.AtmPayNo,
        atmBankCode: SINOPAC_BANK_CODE,
        webAtmUrl: created.ATMParam.WebAtmURL ?? null,
        atmDeadline: atmDay.endsAt,
      }
    : { kind: 'created', tsNo: created.TSNo, cardPayUrl: created.CardParam.CardPayURL };
}

function createFailure(error: unknown): { reason: 'bank_refused' | 'bank_unavailable'; bankCode?: string; code?: string; message: string } {
  const failure = bankFailureOf(error);
  switch (failure?.kind) {
    case 'refused':
      return { reason: 'bank_refused', message: (error as Error).message, ...(failure.code !== undefined && { bankCode: failure.code, code: failure.code }) };
    // Nothing was sent; the bank would have refused the same message.
    case 'not_sent':
      return { reason: 'bank_refused', code: 'invalid_request', message: failure.detail };
    // No answer, or one we cannot trust: whether the bank created the order is unknown.
    case 'no_answer':
    case 'untrusted':
      return { reason: 'bank_unavailable', code: failure.reason, message: failure.detail };
    default:
      return { reason: 'bank_unavailable', message: 'OrderCreate failed unexpectedly' };
  }
}

/** What the bank holds about one attempt, asked by its OrderNo. */
export type AttemptAtBank =
  | {
      kind: 'answered';
      /** The bank's status code, kept for the record and the back office. */
      payStatus: string;
      /** What it means for the attempt; undefined while the bank still waits for the payer. */
      outcome: Extract<PaymentAtBank, { kind: 'paid' | 'expired' | 'cancelled' }> | undefined;
      refunds: RefundsAtBank;
      /** What in the answer disagrees with the attempt; empty when it is this attempt's. */
      mismatches: string[];
      /** One line for a refund's record. */
      summary: string;
    }
  /** The bank has no such order: OrderCreate never reached it. */
  | { kind: 'not_at_bank'; summary: string }
  /**
   * No usable answer now. `refusalCode` when the bank did answer no (its code, if any);
   * `unreachable` when nothing came back at all; `transient` when it is likely to pass in minutes.
   */
  | { kind: 'unavailable'; refused: boolean; refusalCode?: string; unreachable: boolean; transient: boolean; detail: string; cause: unknown };

/** OrderQuery for the attempt. Throws only what is not the bank's (a defect). */
export async function askAboutAttempt(sinopac: SinopacClient, attempt: AttemptAtShop): Promise<AttemptAtBank> {
  let entry: OrderQueryEntry | undefined;
  try {
    const answer = await sinopac.orderQuery({ OrderNo: attempt.orderNo });
    entry = answer.OrderList.find((listed) => listed.OrderNo === attempt.orderNo);
  } catch (error) {
    const failure = bankFailureOf(error);
    if (!failure) throw error;
    if (failure.kind === 'refused' && failure.code !== NO_DATA_CODE) {
      return {
        kind: 'unavailable', refused: true, ...(failure.code !== undefined && { refusalCode: failure.code }),
        unreachable: false, transient: isTransientRefusal(failure.code), detail: failure.description, cause: error,
      };
    }
    if (failure.kind !== 'refused') {
      const noAnswer = failure.kind === 'no_answer';
      return { kind: 'unavailable', refused: false, unreachable: noAnswer, transient: noAnswer, detail: failure.detail, cause: error };
    }
  }
  if (!entry) return { kind: 'not_at_bank', summary: 'OrderQuery: no such order' };
  return {
    kind: 'answered',
    payStatus: entry.PayStatus,
    outcome: paymentOfOrderEntry(entry),
    refunds: refundsOfOrderEntry(entry),
    mismatches: answerMismatches(entry, attempt, { publishedTestCardPays: sinopac.publishedTestCardPays }),
    summary: `OrderQuery: RefundFlag ${entry.RefundFlag ?? '-'}, RefundStatus ${entry.RefundStatus ?? '-'}, PayStatus ${entry.PayStatus}`,
  };
}

/** What the bank says a PayToken stands for. */
export type PayResultAtBank =
  | {
      kind: 'answered';
      orderNo: string;
      /** What the bank's result says, before it is checked against the attempt. */
      says: 'paid' | 'failed';
      /** Undefined for a result that is not about paying an attempt (`notAPayment` says what it is). */
      outcome: Extract<PaymentAtBank, { kind: 'paid' | 'failed' }> | undefined;
      notAPayment: string;
      mismatchesWith(attempt: AttemptAtShop): string[];
    }
  /** The bank knows no such token, or its own rules reject it: it names no payment. */
  | { kind: 'unknown_token'; cause: unknown }
  | { kind: 'unavailable'; because: 'bank_unreachable' | 'untrusted_answer' | 'bank_busy'; cause: unknown };

const UNAVAILABLE_BECAUSE = { no_answer: 'bank_unreachable', untrusted: 'untrusted_answer', refused: 'bank_busy' } as const;

/** OrderPayQuery for a PayToken. Throws only what is not the bank's (a defect). */
export async function askPayResult(sinopac: SinopacClient, payToken: string): Promise<PayResultAtBank> {
  try {
    const result = (await sinopac.orderPayQuery({ PayToken: payToken })).TSResultContent;
    return {
      kind: 'answered',
      orderNo: result.OrderNo,
      says: result.Status === 'S' ? 'paid' : 'failed',
      outcome: paymentOfPayResult(result),
      notAPayment: `unsupported APType ${result.APType}`,
      mismatchesWith: (attempt) => answerMismatches(result, attempt, { shopNo: sinopac.shopNo, publishedTestCardPays: sinopac.publishedTestCardPays }),
    };
  } catch (error) {
    const failure = bankFailureOf(error);
    if (!failure) throw error;
    // Any other refusal (the bank busy, in maintenance...) may pass, so it counts as unavailable.
    if (failure.kind === 'refused' && isUnknownTokenCode(failure.code)) return { kind: 'unknown_token', cause: error };
    // A token the bank's own rules reject (too long, not ASCII) cannot name a payment.
    if (failure.kind === 'not_sent') return { kind: 'unknown_token', cause: error };
    return { kind: 'unavailable', because: UNAVAILABLE_BECAUSE[failure.kind], cause: error };
  }
}

/** Money back on a card attempt: a refund (whole or in part) or the cancel of an authorisation. */
interface MoneyBack {
  orderNo: string;
  kind: 'refund' | 'cancel';
  /** TWD×100 asked for, and the attempt's whole amount (a whole refund names no amount). */
  amount: number;
  wholeAmount: number;
  remark?: string | null;
}

type MoneyBackAnswer =
  /** The bank did it; `amount` is what it says it gave back, when it says. */
  | { kind: 'answered'; amount: number | undefined; description: string }
  | { kind: 'refused'; code: string | undefined; description: string }
  /** Sent, with no trustworthy answer: the bank may or may not have done it. */
  | { kind: 'unknown'; detail: string; cause: unknown }
  /** The message broke the bank's rules and never left the shop. */
  | { kind: 'not_sent'; detail: string; cause: unknown };

/** OrderMaintain. Throws only what is not the bank's (a defect). */
export async function giveMoneyBack(sinopac: SinopacClient, request: MoneyBack): Promise<MoneyBackAnswer> {
  try {
    const answer = await sinopac.orderMaintain({
      OrderNo: request.orderNo,
      Command: request.kind === 'refund' ? 'R' : 'C',
      // Without Amount the bank refunds the whole payment; a part is named explicitly.
      ...(request.kind === 'refund' && request.amount !== request.wholeAmount && { Amount: request.amount }),
      ...(request.remark && { Remark: request.remark }),
    });
    return { kind: 'answered', amount: answer.Amount, description: answer.Description };
  } catch (error) {
    const failure = bankFailureOf(error);
    if (failure?.kind === 'refused') return { kind: 'refused', code: failure.code, description: failure.description };
    if (failure?.kind === 'no_answer' || failure?.kind === 'untrusted') return { kind: 'unknown', detail: failure.detail, cause: error };
    if (failure?.kind === 'not_sent') return { kind: 'not_sent', detail: failure.detail, cause: error };
    throw error;
  }
}

/** A bank call that asked for a refund (not the cancel of an authorisation), for the metrics. */
export const isRefundCall = (exchange: Pick<SinopacExchange, 'service' | 'request'>): boolean =>
  exchange.service === 'OrderMaintain' && exchange.request.Command === 'R';

/**
 * What the bank's status codes (PayStatus, RefundStatus) mean, for the back office's labels
 * (orders/status-labels.ts gives the words); undefined for a code the shop does not know.
 */
const STATUS_MEANINGS = {
  '1A200': 'atm_awaiting', '1A250': 'atm_expired', '1A400': 'atm_paid', '1A900': 'atm_settled',
  '1C200': 'card_awaiting', '1C250': 'card_link_expired', '1C300': 'card_authorised', '1C350': 'card_authorisation_lapsed',
  '1C351': 'card_authorisation_cancelled', '1C400': 'card_captured', '1C900': 'card_settled',
  '2C200': 'refund_accepted', '2C400': 'refund_in_progress', '2C900': 'refund_done',
} as const;
export type BankStatusMeaning = (typeof STATUS_MEANINGS)[keyof typeof STATUS_MEANINGS];

export function bankStatusMeaning(code: string): BankStatusMeaning | undefined {
  return (STATUS_MEANINGS as Record<string, BankStatusMeaning>)[code];
}

/**
 * Why an attempt failed, from its failureCode (the bank's code, or one of the shop's such as
 * no_answer), as a reason the shop has words for; undefined for the generic "not approved".
 */
export type FailureReason = 'card_declined' | 'bank_declined' | 'bank_busy' | 'no_answer';

export function failureReasonOf(code: string | null | undefined): FailureReason | undefined {
  if (!code) return undefined;
  if (code === 'E2701') return 'card_declined';
  if (code === 'no_answer') return 'no_answer';
  if (code.startsWith('E27')) return 'bank_declined';
  return code.startsWith('E99') ? 'bank_busy' : undefined;
}

/** One line of the bank's daily bill, in the shop's names; the other values are stored as the bank wrote them. */
export interface BillEntry {
  tsNo: string | undefined;
  orderNo: string;
  /** P a payment, R a refund. */
  tsType: 'P' | 'R';
  tsDate: string | undefined;
  payDate: string | undefined;
  /** The method (card, atm); a letter the shop does not know is kept as the bank wrote it, so matching still sees it differ. */
  payType: string | undefined;
  /** In the bank's unit (NT$×100), as the shop's books keep amounts. */
  amount: number;
  param1: string | undefined;
  param2: string | undefined;
  param3: string | undefined;
}

/** The bill of one Taipei day (BillQuery): the day the bank says it is for, when it says, and its lines. */
export async function fetchBill(sinopac: SinopacClient, day: string): Promise<{ billDate: string | undefined; entries: BillEntry[] }> {
  const bill = await sinopac.billQuery({ BillDate: day });
  return {
    billDate: bill.BillDate,
    entries: bill.OrderList.map((line) => ({
      tsNo: line.TSNo, orderNo: line.OrderNo, tsType: line.TSType, tsDate: line.TSDate, payDate: line.PayDate,
      payType: line.PayType === undefined ? undefined : (payMethodOfLetter(line.PayType) ?? line.PayType), amount: line.Amount, param1: line.Param1, param2: line.Param2, param3: line.Param3,
    })),
  };
}
