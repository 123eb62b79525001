// Field rules of the bank spec (docs/sinopac-protocol.md §4, §4.1), each failure mapped to its result code.
// Lengths count UTF-8 bytes, the safe reading of X(n) (§4): a client within them is within the bank's limits too.
// The only forbidden characters, in every text field §4 names, are ' " and %.
import { BankError, type ResultCode } from './codes';
import type { ServiceMessage } from './envelope';
import { DAY_MS, parseTaipeiDay, parseTaipeiMinute, taipeiDay } from './taipei-time';

export type PayType = 'A' | 'C';
export type MaintainCommand = 'P' | 'C' | 'R';

const ATM_AMOUNT_CAP = 3_000_000;
const MAX_AMOUNT = 999_999_999;
const ATM_MAX_DAYS_AHEAD = 30;
const DEFAULT_EXP_MINUTES = 10;
const FORBIDDEN_CHARACTERS = /['"%]/;

export interface OrderCreateRequest {
  orderNo: string;
  amount: number;
  payType: PayType;
  prdtName: string;
  memo?: string;
  param1?: string;
  param2?: string;
  param3?: string;
  returnUrl: string;
  backendUrl?: string;
  atm?: { expireDate: string };
  card?: { autoBilling: boolean; expBillingDays?: number; expMinutes: number };
}

export interface MinuteRange {
  from: string;
  to: string;
}

export interface OrderQueryRequest {
  orderNo?: string;
  payType?: PayType;
  orderDateTime?: MinuteRange;
  payDateTime?: MinuteRange;
  payFlag?: 'Y' | 'N' | 'O';
}

export interface OrderMaintainRequest {
  orderNo: string;
  command: MaintainCommand;
  amount?: number;
  remark?: string;
}

/** Empty and whitespace-only values count as absent, as they do for the Sign. Numbers bind to text like .NET does. */
function text(value: unknown, invalid: ResultCode): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new BankError(invalid);
  return value.trim() === '' ? undefined : value;
}

interface TextRule {
  maxBytes: number;
  tooLong: ResultCode;
  invalid: ResultCode;
  missing?: ResultCode;
}

function field(value: unknown, rule: TextRule & { missing: ResultCode }): string;
function field(value: unknown, rule: TextRule): string | undefined;
function field(value: unknown, rule: TextRule): string | undefined {
  const result = text(value, rule.invalid);
  if (result === undefined) {
    if (rule.missing) throw new BankError(rule.missing);
    return undefined;
  }
  if (Buffer.byteLength(result, 'utf8') > rule.maxBytes) throw new BankError(rule.tooLong);
  if (FORBIDDEN_CHARACTERS.test(result)) throw new BankError(rule.invalid);
  return result;
}

function urlField(value: unknown, rule: TextRule & { missing: ResultCode }): string;
function urlField(value: unknown, rule: TextRule): string | undefined;
function urlField(value: unknown, rule: TextRule): string | undefined {
  const result = field(value, rule);
  if (result === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(result);
  } catch {
    throw new BankError(rule.invalid);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BankError(rule.invalid);
  return result;
}

/** A whole number given as a JSON number or a string of digits (.NET binds both), else undefined. */
function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** A nested parameter object; PHP's json_encode writes an empty one as []. */
function nested(value: unknown, invalid: ResultCode): ServiceMessage {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    if (value.length === 0) return {};
    throw new BankError(invalid);
  }
  if (typeof value !== 'object') throw new BankError(invalid);
  return value as ServiceMessage;
}

/** The spec forbids only ' " and % in an OrderNo (§4), so spaces and non-ASCII text pass within its 50 bytes. */
function orderNo(value: unknown): string {
  return field(value, { maxBytes: 50, tooLong: 'E0301', invalid: 'E0303', missing: 'E0301' });
}

function amount(value: unknown): number {
  const result = integer(value);
  if (result === undefined || result <= 0) throw new BankError('E0401');
  if (result > MAX_AMOUNT) throw new BankError('E0402');
  if (result % 100 !== 0) throw new BankError('E0401');
  return result;
}

function payType(value: unknown): PayType | undefined {
  const result = text(value, 'E0602');
  if (result === undefined) return undefined;
  if (result !== 'A' && result !== 'C') throw new BankError('E0602');
  return result;
}

function atmParam(value: unknown, now: Date): { expireDate: string } {
  const expireDate = text(nested(value, 'E0800').ExpireDate, 'E0800');
  if (expireDate === undefined || parseTaipeiDay(expireDate) === undefined) throw new BankError('E0800');
  // yyyyMMdd strings compare like the dates they name.
  if (expireDate < taipeiDay(now)) throw new BankError('E0801');
  if (expireDate > taipeiDay(new Date(now.getTime() + ATM_MAX_DAYS_AHEAD * DAY_MS))) throw new BankError('E0802');
  return { expireDate };
}

function inRange(value: unknown, min: number, max: number, code: ResultCode): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const result = integer(value);
  if (result === undefined || result < min || result > max) throw new BankError(code);
  return result;
}

function cardParam(value: unknown): NonNullable<OrderCreateRequest['card']> {
  const card = nested(value, 'E0901');
  const autoBilling = card.AutoBilling;
  if (autoBilling !== 'Y' && autoBilling !== 'N') throw new BankError('E0901');
  const payTypeSub = text(card.PayTypeSub, 'E0602');
  // The bank's sandbox enables only one-off payments (docs/sinopac-protocol.md §7).
  if (payTypeSub !== undefined && payTypeSub !== 'ONE') throw new BankError('E0602');
  const expMinutes = inRange(card.ExpMinutes, 1, 30, 'E1101') ?? DEFAULT_EXP_MINUTES;
  if (autoBilling === 'Y') return { autoBilling: true, expMinutes };
  // The sandbox enforces 1–7 days, the range the bank's sandbox accepts (§4.1).
  const expBillingDays = inRange(card.ExpBillingDays, 1, 7, 'E1001');
  return { autoBilling: false, expMinutes, ...(expBillingDays === undefined ? {} : { expBillingDays }) };
}

export function validateOrderCreate(message: ServiceMessage, now: Date): OrderCreateRequest {
  const number = orderNo(message.OrderNo);
  const total = amount(message.Amount);
  if (message.CurrencyID !== 'TWD') throw new BankError('E0500');
  const type = payType(message.PayType);
  if (type === undefined) throw new BankError('E0601');
  if (type === 'A' && total > ATM_AMOUNT_CAP) throw new BankError('E0403');
  const request: OrderCreateRequest = {
    orderNo: number,
    amount: total,
    payType: type,
    prdtName: field(message.PrdtName, { maxBytes: 60, tooLong: 'E0702', invalid: 'E0703', missing: 'E0701' }),
    returnUrl: urlField(message.ReturnURL, { maxBytes: 255, tooLong: 'E1202', invalid: 'E1203', missing: 'E1201' }),
  };
  const optional = {
    memo: field(message.Memo, { maxBytes: 30, tooLong: 'E1401', invalid: 'E1402' }),
    param1: field(message.Param1, { maxBytes: 255, tooLong: 'E1501', invalid: 'E1502' }),
    param2: field(message.Param2, { maxBytes: 255, tooLong: 'E1601', invalid: 'E1602' }),
    param3: field(message.Param3, { maxBytes: 255, tooLong: 'E1701', invalid: 'E1702' }),
    backendUrl: urlField(message.BackendURL, { maxBytes: 255, tooLong: 'E1301', invalid: 'E1302' }),
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(request, { [name]: value });
  }
  // Only the parameters of the chosen pay type count: PHP clients send the other one as well (§4.1).
  if (type === 'A') request.atm = atmParam(message.ATMParam, now);
  else request.card = cardParam(message.CardParam);
  return request;
}

function minuteRange(
  start: unknown,
  end: unknown,
  codes: { badStart: ResultCode; badEnd: ResultCode; unpaired: ResultCode; reversed: ResultCode },
): MinuteRange | undefined {
  const from = text(start, codes.badStart);
  const to = text(end, codes.badEnd);
  if (from === undefined && to === undefined) return undefined;
  if (from !== undefined && parseTaipeiMinute(from) === undefined) throw new BankError(codes.badStart);
  if (to !== undefined && parseTaipeiMinute(to) === undefined) throw new BankError(codes.badEnd);
  if (from === undefined || to === undefined) throw new BankError(codes.unpaired);
  if (from > to) throw new BankError(codes.reversed);
  return { from, to };
}

export function validateOrderQuery(message: ServiceMessage): OrderQueryRequest {
  const request: OrderQueryRequest = {};
  const number = text(message.OrderNo, 'E0303');
  if (number !== undefined) request.orderNo = orderNo(number);
  const type = payType(message.PayType);
  if (type) request.payType = type;
  const orderDateTime = minuteRange(message.OrderDateTimeS, message.OrderDateTimeE, {
    badStart: 'E1901', badEnd: 'E1902', unpaired: 'E1903', reversed: 'E1904',
  });
  if (orderDateTime) request.orderDateTime = orderDateTime;
  const payDateTime = minuteRange(message.PayDateTimeS, message.PayDateTimeE, {
    badStart: 'E3201', badEnd: 'E3202', unpaired: 'E3204', reversed: 'E3203',
  });
  if (payDateTime) request.payDateTime = payDateTime;
  const payFlag = text(message.PayFlag, 'E2102');
  if (payFlag !== undefined) {
    if (payFlag !== 'Y' && payFlag !== 'N' && payFlag !== 'O') throw new BankError('E2102');
    request.payFlag = payFlag;
  }
  if (Object.keys(request).length === 0) throw new BankError('E2101');
  return request;
}

export function validateOrderPayQuery(message: ServiceMessage): { payToken: string } {
  const payToken = field(message.PayToken, { maxBytes: 100, tooLong: 'E2401', invalid: 'E2401', missing: 'E2401' });
  return { payToken };
}

/** BillQuery's BillDate: a Taipei day `yyyyMMdd` (an assumption, §4.5), today at the latest. */
export function validateBillQuery(message: ServiceMessage, now: Date): { billDate: string } {
  const billDate = text(message.BillDate, 'E2901');
  if (billDate === undefined || parseTaipeiDay(billDate) === undefined) throw new BankError('E2901');
  if (billDate > taipeiDay(now)) throw new BankError('E2902');
  return { billDate };
}

/** OrderUnCapturedQuery's request: an optional OrderNo (§4.5; without one, every uncaptured order). */
export function validateUnCapturedQuery(message: ServiceMessage): { orderNo?: string } {
  const number = text(message.OrderNo, 'E0303');
  return number === undefined ? {} : { orderNo: orderNo(number) };
}

export function validateOrderMaintain(message: ServiceMessage): OrderMaintainRequest {
  const number = orderNo(message.OrderNo);
  const command = text(message.Command, 'E1801');
  if (command === undefined) throw new BankError('E1800');
  if (command !== 'P' && command !== 'C' && command !== 'R') throw new BankError('E1801');
  const request: OrderMaintainRequest = { orderNo: number, command };
  if (message.Amount !== undefined && message.Amount !== null && message.Amount !== '') {
    request.amount = amount(message.Amount);
  }
  const remark = field(message.Remark, { maxBytes: 200, tooLong: 'E0001', invalid: 'E0001' });
  if (remark !== undefined) request.remark = remark;
  return request;
}
