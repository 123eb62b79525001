// Matching one day of the bank's bill against the shop's books, as plain data in and out: each bank
// line is paired with the payment or refund it stands for, and whatever does not agree becomes a
// difference. The rules, in order:
// - a payment line (P) pairs with the attempt of its OrderNo that the shop booked as collected;
//   it differs by date when the shop booked it on another day, else by amount, else by pay type;
// - a refund line (R) pairs with a succeeded refund of its order, preferring one of the same day and
//   amount (an order may have several partial refunds);
// - a line left over pairs with a booking of the other kind (payment for refund or the other way
//   round) of the same order and day as a type mismatch, else it is at the bank but not in the shop;
// - a booking of the day that no line took is in the shop but not at the bank.
import type { SettlementDifferenceKind } from '../generated/prisma/client';

export interface BankLine {
  position: number;
  orderNo: string;
  tsType: 'P' | 'R';
  payType: string | undefined;
  amount: number;
}

export interface ShopPayment {
  paymentId: string;
  orderId: string;
  orderNo: string;
  payType: string;
  amount: number;
  /** The Taipei day the shop booked the money as collected; undefined while it is not (e.g. pending). */
  bookedDay: string | undefined;
}

export interface ShopRefund {
  refundId: string;
  paymentId: string;
  orderId: string;
  orderNo: string;
  payType: string;
  amount: number;
  bookedDay: string;
}

export interface ShopBookings {
  /** The attempts booked as collected on the day, and every attempt a line of the day names. */
  payments: readonly ShopPayment[];
  /** The refunds booked on the day, and every succeeded refund of an order a line of the day names. */
  refunds: readonly ShopRefund[];
}

export interface Difference {
  kind: SettlementDifferenceKind;
  linePosition: number | null;
  orderNo: string;
  tsType: 'P' | 'R';
  bankAmount: number | null;
  shopAmount: number | null;
  bankPayType: string | null;
  shopPayType: string | null;
  shopDay: string | null;
  paymentId: string | null;
  orderId: string | null;
}

export interface Totals {
  payments: number;
  paymentAmount: number;
  refunds: number;
  refundAmount: number;
}

export interface DayMatch {
  differences: Difference[];
  bank: Totals;
  shop: Totals;
}

type Booking = { kind: 'P'; entry: ShopPayment } | { kind: 'R'; entry: ShopRefund };

export function matchDay(day: string, lines: readonly BankLine[], bookings: ShopBookings): DayMatch {
  const used = new Set<ShopPayment | ShopRefund>();
  const differences: Difference[] = [];
  const leftover: BankLine[] = [];
  // Each line looks its order up instead of scanning the books, so a day costs in proportion to its lines.
  const paymentsByOrderNo = byOrderNo(bookings.payments);
  const refundsByOrderNo = byOrderNo(bookings.refunds);
  const paymentsOf = (orderNo: string | undefined) => (orderNo === undefined ? [] : (paymentsByOrderNo.get(orderNo) ?? []));
  const refundsOf = (orderNo: string) => refundsByOrderNo.get(orderNo) ?? [];
  // The attempt an OrderNo names, booked or not: what a difference links to.
  const attemptOf = (orderNo: string | undefined) => paymentsOf(orderNo)[0];

  const differ = (kind: SettlementDifferenceKind, line: BankLine | undefined, booking: Booking | undefined, tsType: 'P' | 'R') => {
    const entry = booking?.entry;
    differences.push({
      kind,
      linePosition: line?.position ?? null,
      orderNo: line?.orderNo ?? entry!.orderNo,
      tsType,
      bankAmount: line?.amount ?? null,
      shopAmount: entry?.amount ?? null,
      bankPayType: line?.payType ?? null,
      shopPayType: entry?.payType ?? null,
      shopDay: entry?.bookedDay !== undefined && entry.bookedDay !== day ? entry.bookedDay : null,
      paymentId: entry?.paymentId ?? attemptOf(line?.orderNo)?.paymentId ?? null,
      orderId: entry?.orderId ?? attemptOf(line?.orderNo)?.orderId ?? null,
    });
  };

  for (const line of lines) {
    const booking = line.tsType === 'P' ? paymentFor(line) : refundFor(line);
    if (!booking) {
      leftover.push(line);
      continue;
    }
    used.add(booking.entry);
    const { entry } = booking;
    if (entry.bookedDay !== day) differ('date_mismatch', line, booking, line.tsType);
    else if (entry.amount !== line.amount) differ('amount_mismatch', line, booking, line.tsType);
    else if (line.payType !== undefined && line.payType !== entry.payType) differ('type_mismatch', line, booking, line.tsType);
  }

  for (const line of leftover) {
    const other = otherKindFor(line);
    if (other) {
      used.add(other.entry);
      differ('type_mismatch', line, other, line.tsType);
    } else {
      differ('missing_in_shop', line, undefined, line.tsType);
    }
  }

  const paymentsOfDay = bookings.payments.filter((p) => p.bookedDay === day);
  const refundsOfDay = bookings.refunds.filter((r) => r.bookedDay === day);
  for (const entry of paymentsOfDay) if (!used.has(entry)) differ('missing_at_bank', undefined, { kind: 'P', entry }, 'P');
  for (const entry of refundsOfDay) if (!used.has(entry)) differ('missing_at_bank', undefined, { kind: 'R', entry }, 'R');

  const sum = (items: readonly { amount: number }[]) => items.reduce((total, item) => total + item.amount, 0);
  const bankPayments = lines.filter((l) => l.tsType === 'P');
  const bankRefunds = lines.filter((l) => l.tsType === 'R');
  return {
    differences,
    bank: { payments: bankPayments.length, paymentAmount: sum(bankPayments), refunds: bankRefunds.length, refundAmount: sum(bankRefunds) },
    shop: { payments: paymentsOfDay.length, paymentAmount: sum(paymentsOfDay), refunds: refundsOfDay.length, refundAmount: sum(refundsOfDay) },
  };

  function paymentFor(line: BankLine): Booking | undefined {
    const entry = paymentsOf(line.orderNo).find((p) => p.bookedDay !== undefined && !used.has(p));
    return entry && { kind: 'P', entry };
  }

  function refundFor(line: BankLine): Booking | undefined {
    const open = refundsOf(line.orderNo).filter((r) => !used.has(r));
    const entry =
      open.find((r) => r.bookedDay === day && r.amount === line.amount) ??
      open.find((r) => r.bookedDay === day) ??
      open.find((r) => r.amount === line.amount) ??
      open[0];
    return entry && { kind: 'R', entry };
  }

  function otherKindFor(line: BankLine): Booking | undefined {
    if (line.tsType === 'P') {
      const entry = refundsOf(line.orderNo).find((r) => r.bookedDay === day && !used.has(r));
      return entry && { kind: 'R', entry };
    }
    const entry = paymentsOf(line.orderNo).find((p) => p.bookedDay === day && !used.has(p));
    return entry && { kind: 'P', entry };
  }
}

/** The entries of each OrderNo, in their order in the list. */
function byOrderNo<T extends { orderNo: string }>(entries: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const entry of entries) {
    const list = map.get(entry.orderNo);
    if (list) list.push(entry);
    else map.set(entry.orderNo, [entry]);
  }
  return map;
}
