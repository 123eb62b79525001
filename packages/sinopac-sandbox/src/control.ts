import type { SandboxClock } from './clock';
import type { ExchangeFilter, ExchangeLog, ExchangeRecord } from './exchanges';
import type { FaultBook, Faults } from './faults';
import type { Lifecycle } from './lifecycle';
import type { Delivery, Notification, Notifier } from './notifier';
import type { Order, OrderBook, PaymentResult } from './orders';
import { reportedPayment } from './services';
import { taipeiDay, taipeiMinute } from './taipei-time';
import { chargeOf, TEST_CARDS } from './test-cards';

/** A control request the sandbox's state does not allow, with the HTTP status to answer it with. */
export class ControlError extends Error {
  override name = 'ControlError';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface ControlOptions {
  book: OrderBook;
  lifecycle: Lifecycle;
  notifier: Notifier;
  faults: FaultBook;
  clock: SandboxClock;
  exchanges: ExchangeLog;
}

export interface OrderRef {
  orderNo: string;
  shopNo?: string;
}

/** An order as the console and the control API show it (no secrets: the sandbox never had the card number). */
export interface OrderView {
  shopNo: string;
  orderNo: string;
  tsNo: string;
  payType: Order['payType'];
  amount: number;
  prdtName: string;
  payStatus: Order['payStatus'];
  createdAt: string;
  approvedAt?: string;
  paidAt?: string;
  returnUrl: string;
  backendUrl?: string;
  atm?: { payNo: string; expireDate: string };
  card?: {
    payUrl: string; linkExpiresAt: string; autoBilling: boolean; linkUsed: boolean;
    leftCCNo?: string; rightCCNo?: string; ccExpDate?: string;
  };
  refunds: Array<{ amount: number; at: string; remark?: string }>;
  payments: Array<{ payToken: string; apType: PaymentResult['apType']; status: PaymentResult['status']; at: string }>;
  faults: Faults;
  notifications: NotificationView[];
}

export type CardOutcome = 'approved' | 'declined';

export type NotificationView = Notification & { deliveries: Delivery[] };

/** The sandbox's time, and how far the control API has moved it from the clock it was given. */
export interface ClockView {
  now: string;
  /** yyyyMMdd in Taipei: the bank's "today" (ATM ExpireDate, BillQuery BillDate). */
  taipeiDate: string;
  taipeiMinute: string;
  offsetMs: number;
}

export type ClockChange = { advanceMinutes: number } | { set: Date } | { reset: true };

/** A payment made through the control API, with what the shop would receive for it. */
export interface PaymentView {
  payment: PaymentResult;
  /** What OrderPayQuery answers for the payment's PayToken: the bank's result as the shop reads it. */
  tsResultContent: Record<string, unknown>;
  order: OrderView;
  /** Card orders: the form the card page would have the shopper's browser POST to the ReturnURL (§5.2). */
  returnPost?: { url: string; fields: { ShopNo: string; PayToken: string } };
  /** The BackendURL notification started for the payment, when the order has a BackendURL and the payment succeeded. */
  notification?: Notification;
}

/** The operations of the console buttons and the /__sandbox API. */
export class SandboxControl {
  constructor(private readonly options: ControlOptions) {}

  orders(): OrderView[] {
    return this.options.book.all().map((order) => {
      this.options.lifecycle.refresh(order);
      return this.#view(order);
    });
  }

  order(ref: OrderRef): OrderView {
    return this.#view(this.#find(ref));
  }

  /** Pays an ATM order now, or runs a card order through the card page with the approved or declined test card. */
  pay(ref: OrderRef, outcome: CardOutcome = 'approved'): PaymentResult {
    const order = this.#find(ref);
    if (order.payType === 'A') return this.options.lifecycle.payAtm(order);
    const card = TEST_CARDS.find((c) => c.outcome === outcome)!;
    return this.options.lifecycle.chargeCard(order, chargeOf(card, '3012'));
  }

  /** pay(), answered with what the shop's ReturnURL and BackendURL are sent for the payment. */
  payAndShow(ref: OrderRef, outcome?: CardOutcome): PaymentView {
    const order = this.#find(ref);
    if (order.payType === 'A' && outcome !== undefined) {
      throw new ControlError(400, `order ${order.orderNo} is an ATM order: outcome applies to card orders only`);
    }
    const payment = this.pay(ref, outcome);
    const view: PaymentView = {
      payment, tsResultContent: reportedPayment(order, payment, this.options.faults), order: this.#view(order),
    };
    if (order.payType === 'C') {
      view.returnPost = { url: order.returnUrl, fields: { ShopNo: order.shopNo, PayToken: payment.payToken } };
    }
    const notification = this.options.notifier.notifications().find((n) => n.payToken === payment.payToken);
    if (notification) view.notification = notification;
    return view;
  }

  expire(ref: OrderRef): OrderView {
    const order = this.#find(ref);
    this.options.lifecycle.expire(order);
    return this.#view(order);
  }

  resendNotification(ref: OrderRef): Notification {
    const order = this.#find(ref);
    if (!order.backendUrl) throw new ControlError(409, `order ${order.orderNo} has no BackendURL`);
    const notification = this.options.lifecycle.resend(order);
    if (!notification) throw new ControlError(409, `order ${order.orderNo} has no payment to notify (a declined card is never notified)`);
    return notification;
  }

  faults(): Faults {
    return this.options.faults.instance;
  }

  setFaults(faults: Faults): Faults {
    this.options.faults.setInstance(faults);
    return this.options.faults.instance;
  }

  setOrderFaults(ref: OrderRef, faults: Faults): OrderView {
    const order = this.#find(ref);
    order.faults = { ...faults };
    return this.#view(order);
  }

  deliveries(filter: Partial<OrderRef> = {}): Delivery[] {
    return this.options.notifier.deliveries().filter((d) => matches(d, filter));
  }

  notifications(filter: Partial<OrderRef> = {}): NotificationView[] {
    const deliveries = this.options.notifier.deliveries();
    return this.options.notifier.notifications()
      .filter((n) => matches(n, filter))
      .map((n) => ({ ...n, deliveries: deliveries.filter((d) => d.notificationId === n.id) }));
  }

  /** Sends now every notification retry that is waiting for its interval. */
  retryNotifications(filter: Partial<OrderRef> = {}): Notification[] {
    return this.options.notifier.retryNow((n) => matches(n, filter));
  }

  exchanges(filter: ExchangeFilter = {}): ExchangeRecord[] {
    return this.options.exchanges.list(filter);
  }

  clock(): ClockView {
    const now = this.options.clock.now();
    return { now: now.toISOString(), taipeiDate: taipeiDay(now), taipeiMinute: taipeiMinute(now), offsetMs: this.options.clock.offsetMs };
  }

  moveClock(change: ClockChange): ClockView {
    if ('advanceMinutes' in change) this.options.clock.advance(change.advanceMinutes * 60_000);
    else if ('set' in change) this.options.clock.set(change.set);
    else this.options.clock.reset();
    return this.clock();
  }

  /** Forgets every order, notification, exchange and fault, and puts the clock back. */
  reset(): void {
    this.options.lifecycle.reset();
    this.options.notifier.clear();
    this.options.book.clear();
    this.options.faults.setInstance({});
    this.options.exchanges.clear();
    this.options.clock.reset();
  }

  #find(ref: OrderRef): Order {
    const order = this.options.book.find(ref.orderNo, ref.shopNo);
    this.options.lifecycle.refresh(order);
    return order;
  }

  #view(order: Order): OrderView {
    const iso = (date: Date | undefined) => date?.toISOString();
    const view: OrderView = {
      shopNo: order.shopNo,
      orderNo: order.orderNo,
      tsNo: order.tsNo,
      payType: order.payType,
      amount: order.amount,
      prdtName: order.prdtName,
      payStatus: order.payStatus,
      createdAt: order.createdAt.toISOString(),
      returnUrl: order.returnUrl,
      refunds: order.refunds.map((r) => ({ amount: r.amount, at: r.at.toISOString(), ...(r.remark ? { remark: r.remark } : {}) })),
      payments: order.results.map((r) => ({ payToken: r.payToken, apType: r.apType, status: r.status, at: r.at.toISOString() })),
      faults: order.faults,
      notifications: this.notifications({ shopNo: order.shopNo, orderNo: order.orderNo }),
    };
    if (order.approvedAt) view.approvedAt = iso(order.approvedAt);
    if (order.paidAt) view.paidAt = iso(order.paidAt);
    if (order.backendUrl) view.backendUrl = order.backendUrl;
    if (order.atm) view.atm = { payNo: order.atm.payNo, expireDate: order.atm.expireDate };
    if (order.card) {
      const { payUrl, linkExpiresAt, autoBilling, linkUsed, leftCCNo, rightCCNo, ccExpDate } = order.card;
      view.card = {
        payUrl, linkExpiresAt: linkExpiresAt.toISOString(), autoBilling, linkUsed,
        ...(leftCCNo ? { leftCCNo, rightCCNo, ccExpDate } : {}),
      };
    }
    return view;
  }
}

function matches(item: { orderNo: string; shopNo: string }, filter: Partial<OrderRef>): boolean {
  return (filter.orderNo === undefined || item.orderNo === filter.orderNo) && (filter.shopNo === undefined || item.shopNo === filter.shopNo);
}
