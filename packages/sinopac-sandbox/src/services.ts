// The bank side of each APIService (docs/sinopac-protocol.md §4): validated request in, response message out.
import { billLines } from './bill';
import { BankError, describe, type ResultCode } from './codes';
import type { ServiceMessage } from './envelope';
import type { FaultBook } from './faults';
import type { Lifecycle } from './lifecycle';
import type { Order, OrderBook, PaymentResult } from './orders';
import { DAY_MS, taipeiMinute } from './taipei-time';
import {
  validateBillQuery, validateOrderCreate, validateOrderMaintain, validateOrderPayQuery, validateOrderQuery,
  validateUnCapturedQuery, type OrderQueryRequest,
} from './validation';

export interface ServiceContext {
  shopNo: string;
  now: Date;
  /** Where the shopper's browser reaches the sandbox's pages. */
  origin: string;
  book: OrderBook;
  lifecycle: Lifecycle;
  faults: FaultBook;
}

export interface Service {
  handle(message: ServiceMessage, context: ServiceContext): ServiceMessage;
  /** Request members repeated in a failure answer. */
  echo(message: ServiceMessage): ServiceMessage;
}

const ORDER_QUERY_LIMIT = 300;

const success = (code: ResultCode = 'S0000') => ({ Status: 'S', Description: describe(code) });
const orNull = (value: string | undefined) => value ?? null;
const minuteOrNull = (date: Date | undefined) => (date ? taipeiMinute(date) : null);

function pick(message: ServiceMessage, ...names: string[]): ServiceMessage {
  return Object.fromEntries(names.filter((n) => typeof message[n] === 'string').map((n) => [n, message[n]]));
}

function params(order: Order): ServiceMessage {
  const given = { Param1: order.param1, Param2: order.param2, Param3: order.param3 };
  return Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
}

const reportedAmount = (order: Order, faults: FaultBook) => order.amount + (faults.effective(order).wrongAmount ?? 0);

const orderCreate: Service = {
  handle(message, context) {
    const order = context.book.create(context.shopNo, validateOrderCreate(message, context.now), context.now, context.origin);
    context.lifecycle.created(order);
    const head = {
      OrderNo: order.orderNo, ShopNo: order.shopNo, TSNo: order.tsNo, PayType: order.payType, Amount: order.amount,
      ...params(order), ...success(),
    };
    if (order.atm) {
      return { ...head, ATMParam: { AtmPayNo: order.atm.payNo, WebAtmURL: order.atm.webAtmUrl, OtpURL: order.atm.otpUrl } };
    }
    return { ...head, CardParam: { CardPayURL: order.card!.payUrl } };
  },
  echo: (message) => pick(message, 'OrderNo'),
};

// PayFlag per channel (§4.3): Y paid or captured, N not yet, O expired.
const PAY_FLAGS: Record<'Y' | 'N' | 'O', readonly Order['payStatus'][]> = {
  Y: ['1A400', '1C400'],
  N: ['1A200', '1C200', '1C300', '1C350', '1C351'],
  O: ['1A250', '1C250'],
};

function matches(order: Order, query: OrderQueryRequest): boolean {
  const within = (date: Date | undefined, range: { from: string; to: string }) => {
    if (!date) return false;
    const minute = taipeiMinute(date);
    return minute >= range.from && minute <= range.to;
  };
  if (query.orderNo !== undefined && order.orderNo !== query.orderNo) return false;
  if (query.payType !== undefined && order.payType !== query.payType) return false;
  if (query.payFlag !== undefined && !PAY_FLAGS[query.payFlag].includes(order.payStatus)) return false;
  if (query.orderDateTime && !within(order.createdAt, query.orderDateTime)) return false;
  if (query.payDateTime && !within(order.paidAt, query.payDateTime)) return false;
  return true;
}

function listEntry(order: Order, amount: number): ServiceMessage {
  const lastRefund = order.refunds.at(-1);
  const entry: ServiceMessage = {
    OrderNo: order.orderNo,
    TSNo: order.tsNo,
    TSDate: taipeiMinute(order.createdAt),
    ApprovedDate: minuteOrNull(order.approvedAt),
    PayDate: minuteOrNull(order.paidAt),
    Amount: amount,
    PayType: order.payType,
    PayStatus: order.payStatus,
    ExpireDate: order.atm ? `${order.atm.expireDate}2359` : taipeiMinute(order.card!.linkExpiresAt),
    RefundFlag: order.refunds.length === 0 ? 'N' : order.refunds.length === 1 ? 'Y' : 'R',
    // Sandbox refunds complete at once, so a refunded order is always "2C900 done".
    RefundStatus: lastRefund ? '2C900' : null,
    RefundDate: minuteOrNull(lastRefund?.at),
    PrdtName: order.prdtName,
    Memo: orNull(order.memo),
    Param1: orNull(order.param1),
    Param2: orNull(order.param2),
    Param3: orNull(order.param3),
  };
  if (order.atm) {
    entry.ATMParam = {
      AtmPayNo: order.atm.payNo, WebAtmURL: order.atm.webAtmUrl, OtpURL: order.atm.otpUrl,
      BankNo: orNull(order.atm.payerBankNo), AcctNo: orNull(order.atm.payerAcctNo),
    };
  } else {
    const card = order.card!;
    // Card digits are reported once captured, the AuthCode once authorised (§4.3).
    const captured = order.payStatus === '1C400';
    entry.CardParam = {
      CardPayURL: card.payUrl,
      // Instalment and bonus-point amounts are empty when zero (§4.3); the sandbox has one-off payments only.
      StagingFirstAmount: '',
      StagingEachAmount: '',
      BonusCount: '',
      BonusAmount: '',
      BonusPayAmount: '',
      BonusLastCount: '',
      LeftCCNo: captured ? orNull(card.leftCCNo) : null,
      RightCCNo: captured ? orNull(card.rightCCNo) : null,
      AuthCode: orNull(order.approvedAt ? card.authCode : undefined),
      CCExpDate: captured ? orNull(card.ccExpDate) : null,
      CCToken: null,
    };
  }
  return entry;
}

const orderQuery: Service = {
  handle(message, context) {
    const query = validateOrderQuery(message);
    // An OrderNo names at most one order of the shop: looked up, not searched for among them all.
    const candidates = query.orderNo !== undefined
      ? [context.book.get(context.shopNo, query.orderNo)].filter((order) => order !== undefined)
      : context.book.all().filter((order) => order.shopNo === context.shopNo);
    const found = candidates
      .filter((order) => {
        context.lifecycle.refresh(order);
        return matches(order, query);
      })
      .slice(0, ORDER_QUERY_LIMIT);
    return {
      ShopNo: context.shopNo,
      Date: taipeiMinute(context.now),
      ...success(found.length > 0 ? 'S0000' : 'S0001'),
      OrderList: found.map((order) => listEntry(order, reportedAmount(order, context.faults))),
    };
  },
  echo: () => ({}),
};

function tsResultContent(order: Order, result: PaymentResult, amount: number): ServiceMessage {
  const card = order.card;
  return {
    APType: result.apType,
    TSNo: order.tsNo,
    OrderNo: order.orderNo,
    ShopNo: order.shopNo,
    PayType: order.payType,
    // A string in every bank sample (§4.4).
    Amount: String(amount),
    Status: result.status,
    Description: result.description,
    Param1: orNull(order.param1),
    Param2: orNull(order.param2),
    Param3: orNull(order.param3),
    ...(card
      ? { LeftCCNo: orNull(card.leftCCNo), RightCCNo: orNull(card.rightCCNo), CCExpDate: orNull(card.ccExpDate), CCToken: null }
      : {}),
    PayDate: taipeiMinute(result.at),
  };
}

/** A payment result's TSResultContent, as OrderPayQuery reports it (the wrongAmount fault included). */
export function reportedPayment(order: Order, result: PaymentResult, faults: FaultBook): ServiceMessage {
  return tsResultContent(order, result, reportedAmount(order, faults));
}

const orderPayQuery: Service = {
  handle(message, context) {
    const { payToken } = validateOrderPayQuery(message);
    const order = context.book.byPayToken(payToken);
    const result = order?.shopNo === context.shopNo ? order.results.find((r) => r.payToken === payToken) : undefined;
    if (!order || !result) throw new BankError('E2402');
    return {
      ShopNo: context.shopNo,
      PayToken: payToken,
      Date: taipeiMinute(context.now),
      ...success(),
      TSResultContent: reportedPayment(order, result, context.faults),
    };
  },
  echo: (message) => pick(message, 'PayToken'),
};

const orderMaintain: Service = {
  handle(message, context) {
    const request = validateOrderMaintain(message);
    const order = context.book.get(context.shopNo, request.orderNo);
    if (!order) throw new BankError('E2601');
    let amount = order.amount;
    if (request.command === 'P') context.lifecycle.capture(order);
    else if (request.command === 'C') context.lifecycle.cancelAuthorisation(order);
    else amount = context.lifecycle.refund(order, request.amount, request.remark);
    return {
      OrderNo: order.orderNo, ShopNo: order.shopNo, TSNo: order.tsNo, Command: request.command, Amount: amount,
      Date: taipeiMinute(context.now), ...success(),
    };
  },
  echo: (message) => pick(message, 'OrderNo', 'Command'),
};

const billQuery: Service = {
  handle(message, context) {
    const { billDate } = validateBillQuery(message, context.now);
    const orders = context.book.all().filter((order) => order.shopNo === context.shopNo);
    for (const order of orders) context.lifecycle.refresh(order);
    const lines = billLines(orders, billDate, context.faults);
    return {
      ShopNo: context.shopNo,
      Date: taipeiMinute(context.now),
      BillDate: billDate,
      ...success(lines.length > 0 ? 'S0000' : 'S0001'),
      OrderList: lines,
    };
  },
  echo: (message) => pick(message, 'BillDate'),
};

// Card orders authorised and not yet captured (1C300). The schema follows the bank's PHP toolkit
// (§4.5); ExpireDate is assumed to be when the sandbox captures by itself (ExpBillingDays), and
// null without a scheduled capture. Without an OrderNo every such order of the shop is listed.
const orderUnCapturedQuery: Service = {
  handle(message, context) {
    const { orderNo } = validateUnCapturedQuery(message);
    const found = context.book.all()
      .filter((order) => order.shopNo === context.shopNo && (orderNo === undefined || order.orderNo === orderNo))
      .filter((order) => {
        context.lifecycle.refresh(order);
        return order.payStatus === '1C300';
      })
      .slice(0, ORDER_QUERY_LIMIT);
    return {
      ShopNo: context.shopNo,
      Date: taipeiMinute(context.now),
      ...success(found.length > 0 ? 'S0000' : 'S0001'),
      OrderList: found.map((order) => {
        const days = order.card?.expBillingDays;
        const capture = days !== undefined && order.approvedAt ? new Date(order.approvedAt.getTime() + days * DAY_MS) : undefined;
        return {
          OrderNo: order.orderNo,
          TSNo: order.tsNo,
          TSDate: taipeiMinute(order.createdAt),
          ApprovedDate: minuteOrNull(order.approvedAt),
          ExpireDate: minuteOrNull(capture),
          Amount: reportedAmount(order, context.faults),
          PayType: order.payType,
          PrdtName: order.prdtName,
          Memo: orNull(order.memo),
          PayStatus: order.payStatus,
        };
      }),
    };
  },
  echo: (message) => pick(message, 'OrderNo'),
};

const SERVICES: Record<string, Service> = {
  OrderCreate: orderCreate,
  OrderQuery: orderQuery,
  OrderPayQuery: orderPayQuery,
  OrderMaintain: orderMaintain,
  OrderUnCapturedQuery: orderUnCapturedQuery,
  BillQuery: billQuery,
};

export function findService(apiService: string): Service {
  const service = Object.hasOwn(SERVICES, apiService) ? SERVICES[apiService] : undefined;
  if (!service) throw new BankError('E3401');
  return service;
}

/** The Status "F" answer: the service's echoed members, the time, and `Exxxx – text`. */
export function failureMessage(
  shopNo: string, code: ResultCode, now: Date, service?: Service, message?: ServiceMessage,
): ServiceMessage {
  const echoed = service && message ? service.echo(message) : {};
  return { ShopNo: shopNo, ...echoed, Date: taipeiMinute(now), Status: 'F', Description: describe(code) };
}
