import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { BankError } from './codes';
import type { Faults } from './faults';
import { DAY_MS, parseTaipeiDay } from './taipei-time';
import type { OrderCreateRequest, PayType } from './validation';

// PayStatus codes of the bank spec (docs/sinopac-protocol.md §6) that the sandbox reaches.
export type PayStatus = '1A200' | '1A250' | '1A400' | '1C200' | '1C250' | '1C300' | '1C350' | '1C351' | '1C400';

/** One payment result the bank can be asked about by its PayToken (OrderPayQuery), and notifies about when it succeeded. */
export interface PaymentResult {
  payToken: string;
  apType: 'PayOut' | 'CaptureOut';
  status: 'S' | 'F';
  description: string;
  at: Date;
}

/** Whether the bank notifies the BackendURL of a result: a payment or capture, never a declined card (§5.1). */
export const isNotified = (result: Pick<PaymentResult, 'status'>): boolean => result.status === 'S';

export interface Refund {
  amount: number;
  at: Date;
  remark?: string;
}

export interface AtmDetails {
  payNo: string;
  expireDate: string;
  /** The first instant after the ExpireDate's last second in Taipei. */
  deadline: Date;
  linkToken: string;
  webAtmUrl: string;
  otpUrl: string;
  payerBankNo?: string;
  payerAcctNo?: string;
}

export interface CardDetails {
  autoBilling: boolean;
  expBillingDays?: number;
  expMinutes: number;
  linkToken: string;
  payUrl: string;
  linkExpiresAt: Date;
  /** The card page takes one submission; afterwards the link only shows that it was used. */
  linkUsed: boolean;
  // Only what the bank reports back: never the full number or the CVV.
  leftCCNo?: string;
  rightCCNo?: string;
  ccExpDate?: string;
  authCode?: string;
}

export interface Order {
  shopNo: string;
  orderNo: string;
  tsNo: string;
  payType: PayType;
  amount: number;
  prdtName: string;
  memo?: string;
  param1?: string;
  param2?: string;
  param3?: string;
  returnUrl: string;
  backendUrl?: string;
  createdAt: Date;
  payStatus: PayStatus;
  approvedAt?: Date;
  /** When the money was taken: ATM transfer received, or card captured. */
  paidAt?: Date;
  atm?: AtmDetails;
  card?: CardDetails;
  refunds: Refund[];
  results: PaymentResult[];
  faults: Faults;
}

export class UnknownOrderError extends Error {
  override name = 'UnknownOrderError';
}

export class AmbiguousOrderError extends Error {
  override name = 'AmbiguousOrderError';
}

const key = (shopNo: string, orderNo: string) => `${shopNo}\u0000${orderNo}`;
const ATM_PAY_NO_PREFIX = '99922';

export class OrderBook {
  readonly #orders = new Map<string, Order>();
  readonly #byTsNo = new Map<string, Order>();
  readonly #byPayToken = new Map<string, Order>();
  /** Every shop's order of an OrderNo, for the console and control API, which may name no shop. */
  readonly #byOrderNo = new Map<string, Order[]>();
  // Random starts keep TSNo and account numbers of a restarted sandbox apart from the last run's.
  #tsSequence = randomInt(1, 50_000_000);
  #atmSequence = randomInt(1, 500_000_000);

  create(shopNo: string, request: OrderCreateRequest, now: Date, origin: string): Order {
    if (this.#orders.has(key(shopNo, request.orderNo))) throw new BankError('E0302');
    const tsNo = `${shopNo.replace(/_.*$/, '').slice(0, 6)}${String(this.#tsSequence++ % 100_000_000).padStart(8, '0')}`;
    const linkToken = randomUUID();
    const bridge = `${origin}/QPay.WebPaySite/Bridge`;
    const link = (page: string) => `${bridge}/${page}?TD=${encodeURIComponent(tsNo)}&TK=${linkToken}`;
    const { atm, card, ...fields } = request;
    const order: Order = {
      ...fields,
      shopNo,
      tsNo,
      createdAt: now,
      payStatus: request.payType === 'A' ? '1A200' : '1C200',
      refunds: [],
      results: [],
      faults: {},
    };
    if (atm) {
      order.atm = {
        payNo: `${ATM_PAY_NO_PREFIX}${String(this.#atmSequence++ % 1_000_000_000).padStart(9, '0')}`,
        expireDate: atm.expireDate,
        deadline: endOfTaipeiDay(atm.expireDate),
        linkToken,
        webAtmUrl: link('PayWebATM'),
        otpUrl: link('PayOTP'),
      };
    }
    if (card) {
      order.card = {
        ...card,
        linkToken,
        payUrl: link('PayCard'),
        linkExpiresAt: new Date(now.getTime() + card.expMinutes * 60_000),
        linkUsed: false,
      };
    }
    this.#orders.set(key(shopNo, order.orderNo), order);
    this.#byOrderNo.set(order.orderNo, [...(this.#byOrderNo.get(order.orderNo) ?? []), order]);
    this.#byTsNo.set(tsNo, order);
    return order;
  }

  get(shopNo: string, orderNo: string): Order | undefined {
    return this.#orders.get(key(shopNo, orderNo));
  }

  /** An order by its number alone (the shop number disambiguates when several shops used it). */
  find(orderNo: string, shopNo?: string): Order {
    const matches = (this.#byOrderNo.get(orderNo) ?? []).filter((o) => shopNo === undefined || o.shopNo === shopNo);
    if (matches.length === 0) throw new UnknownOrderError(`no order ${orderNo}`);
    if (matches.length > 1) throw new AmbiguousOrderError(`order ${orderNo} exists for several shops; give shopNo`);
    return matches[0]!;
  }

  byTsNo(tsNo: string): Order | undefined {
    return this.#byTsNo.get(tsNo);
  }

  byPayToken(payToken: string): Order | undefined {
    return this.#byPayToken.get(payToken);
  }

  all(): Order[] {
    return [...this.#orders.values()];
  }

  addResult(order: Order, result: Omit<PaymentResult, 'payToken'>): PaymentResult {
    const payToken = randomBytes(32).toString('hex');
    const recorded = { payToken, ...result };
    order.results.push(recorded);
    this.#byPayToken.set(payToken, order);
    return recorded;
  }

  clear(): void {
    this.#orders.clear();
    this.#byOrderNo.clear();
    this.#byTsNo.clear();
    this.#byPayToken.clear();
  }
}

function endOfTaipeiDay(day: string): Date {
  const start = parseTaipeiDay(day);
  if (!start) throw new RangeError(`not a yyyyMMdd date: ${day}`);
  return new Date(start.getTime() + DAY_MS);
}
