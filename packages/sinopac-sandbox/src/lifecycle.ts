import { randomInt } from 'node:crypto';
import { BankError, describe } from './codes';
import type { SandboxLogger } from './logger';
import type { Notification, Notifier } from './notifier';
import { isNotified, type Order, type OrderBook, type PaymentResult } from './orders';
import { DAY_MS } from './taipei-time';
import type { Timers } from './timers';

/** What the card page learned from the shopper's card: never the full number. */
export interface CardCharge {
  approved: boolean;
  leftCCNo: string;
  rightCCNo: string;
  ccExpDate: string;
}

export interface LifecycleOptions {
  book: OrderBook;
  notifier: Notifier;
  timers: Timers;
  clock: () => Date;
  atmAutoPayDelayMs: number | null;
  logger: SandboxLogger;
  /** Where a notification of the shop's order goes, given its BackendURL. */
  deliveryUrl(shopNo: string, backendUrl: string): string;
}

/** The bank's sandbox never pays ATM orders whose number ends in 9, so shops can test expiry (§7). */
const neverAutoPaid = (orderNo: string) => orderNo.endsWith('9');

// Illegal transitions throw E2001 (E1802 when the pay type has no such operation).
export class Lifecycle {
  readonly #autoPay = new Map<Order, () => void>();

  constructor(private readonly options: LifecycleOptions) {}

  created(order: Order): void {
    const delay = this.options.atmAutoPayDelayMs;
    if (order.payType !== 'A' || delay === null || neverAutoPaid(order.orderNo)) return;
    const cancel = this.options.timers.after(delay, () => {
      this.#autoPay.delete(order);
      this.refresh(order);
      if (order.payStatus === '1A200') this.payAtm(order);
    });
    this.#autoPay.set(order, cancel);
  }

  /** Applies the time-based transitions that are due: ATM expiry, card link expiry, scheduled capture. */
  refresh(order: Order): void {
    const now = this.options.clock();
    if (order.payStatus === '1A200' && order.atm && now >= order.atm.deadline) {
      order.payStatus = '1A250';
      this.#cancelAutoPay(order);
    } else if (order.payStatus === '1C200' && order.card && now >= order.card.linkExpiresAt) {
      order.payStatus = '1C250';
    } else if (order.payStatus === '1C300' && order.card?.expBillingDays !== undefined && order.approvedAt) {
      const due = new Date(order.approvedAt.getTime() + order.card.expBillingDays * DAY_MS);
      if (now >= due) {
        order.payStatus = '1C400';
        order.paidAt = due;
        this.#notify(order, this.options.book.addResult(order, { apType: 'CaptureOut', status: 'S', description: '', at: due }));
      }
    }
  }

  payAtm(order: Order): PaymentResult {
    this.refresh(order);
    const atm = order.atm;
    if (order.payType !== 'A' || !atm) throw new BankError('E1802');
    if (order.payStatus !== '1A200') throw new BankError('E2001');
    const now = this.options.clock();
    this.#cancelAutoPay(order);
    order.payStatus = '1A400';
    order.paidAt = now;
    // A simulated payer: Bank SinoPac's code and the last five digits of an account (§4.3).
    atm.payerBankNo = '807';
    atm.payerAcctNo = String(randomInt(10_000, 100_000));
    this.options.logger.info(`ATM order ${order.orderNo} of ${order.shopNo} paid`);
    return this.#notify(order, this.options.book.addResult(order, { apType: 'PayOut', status: 'S', description: '', at: now }));
  }

  /** The card page's one submission: an approval authorises (and captures when AutoBilling is Y), a decline uses the link up. */
  chargeCard(order: Order, charge: CardCharge): PaymentResult {
    this.refresh(order);
    if (order.payType !== 'C' || !order.card) throw new BankError('E1802');
    if (order.payStatus !== '1C200' || order.card.linkUsed) throw new BankError('E2001');
    const now = this.options.clock();
    const card = order.card;
    card.linkUsed = true;
    card.leftCCNo = charge.leftCCNo;
    card.rightCCNo = charge.rightCCNo;
    card.ccExpDate = charge.ccExpDate;
    if (charge.approved) {
      card.authCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
      order.approvedAt = now;
      order.payStatus = card.autoBilling ? '1C400' : '1C300';
      if (card.autoBilling) order.paidAt = now;
    }
    this.options.logger.info(`card order ${order.orderNo} of ${order.shopNo} ${charge.approved ? 'approved' : 'declined'}`);
    const result = this.options.book.addResult(order, charge.approved
      ? { apType: 'PayOut', status: 'S', description: '', at: now }
      : { apType: 'PayOut', status: 'F', description: describe('E2701'), at: now });
    // A decline is not notified (§5.1): the shop learns of it from the ReturnURL's PayToken and OrderPayQuery.
    return isNotified(result) ? this.#notify(order, result) : result;
  }

  expire(order: Order): void {
    this.refresh(order);
    if (order.payStatus === '1A200') {
      order.payStatus = '1A250';
      this.#cancelAutoPay(order);
    } else if (order.payStatus === '1C200') {
      order.payStatus = '1C250';
    } else {
      throw new BankError('E2001');
    }
  }

  capture(order: Order): void {
    this.#requireCardStatus(order, '1C300');
    order.payStatus = '1C400';
    order.paidAt = this.options.clock();
  }

  cancelAuthorisation(order: Order): void {
    this.#requireCardStatus(order, '1C300');
    order.payStatus = '1C351';
  }

  /** Refunds `amount` (the whole remainder when absent) of a captured card order; returns the amount refunded. */
  refund(order: Order, amount: number | undefined, remark: string | undefined): number {
    this.#requireCardStatus(order, '1C400');
    const remaining = order.amount - order.refunds.reduce((sum, r) => sum + r.amount, 0);
    if (remaining <= 0) throw new BankError('E9920');
    const refunded = amount ?? remaining;
    if (refunded > remaining) throw new BankError('E9921');
    order.refunds.push({ amount: refunded, at: this.options.clock(), ...(remark === undefined ? {} : { remark }) });
    return refunded;
  }

  /** Pushes the order's latest successful payment result again; undefined when there is none or no BackendURL. */
  resend(order: Order): Notification | undefined {
    const latest = order.results.findLast(isNotified);
    return latest ? this.#send(order, latest) : undefined;
  }

  reset(): void {
    for (const cancel of this.#autoPay.values()) cancel();
    this.#autoPay.clear();
  }

  #requireCardStatus(order: Order, status: Order['payStatus']): void {
    this.refresh(order);
    if (order.payType !== 'C') throw new BankError('E1802');
    if (order.payStatus !== status) throw new BankError('E2001');
  }

  #cancelAutoPay(order: Order): void {
    this.#autoPay.get(order)?.();
    this.#autoPay.delete(order);
  }

  #notify(order: Order, result: PaymentResult): PaymentResult {
    this.#send(order, result);
    return result;
  }

  #send(order: Order, result: PaymentResult): Notification | undefined {
    if (!order.backendUrl) return undefined;
    return this.options.notifier.send({
      shopNo: order.shopNo, orderNo: order.orderNo, payToken: result.payToken, url: this.options.deliveryUrl(order.shopNo, order.backendUrl),
    });
  }
}
