// The life of one payment attempt, written down once: the transition table, and beside it every
// grouping of statuses the shop decides by. Every status change goes through settlePayment, which
// consults this table, so nothing can move an attempt along an edge that is not listed here.
import type { OrderStatus, PaymentStatus } from '../generated/prisma/client';

/**
 * Allowed moves, from → to.
 * - creating: the row exists before OrderCreate is sent, so a crash leaves a trace to reconcile.
 * - "paid" is the bank's statement that money arrived, which outranks our own judgement, so it is
 *   taken from every state we reached without the bank saying so: creating (we crashed before
 *   storing the bank's answer), create_failed (OrderCreate timed out but the bank did create the
 *   order), failed and expired (e.g. an ATM transfer inside our grace period).
 * - paid → refunded: only once the whole amount is refunded; a partial refund keeps it paid.
 * Terminal: refunded, cancelled. Nothing leaves paid except a refund, so a late "failed" cannot
 * turn a paid order unpaid; cancelled → paid is refused and recorded, for a refund by hand.
 * The table has no cycle, so an attempt enters each status at most once; a unique index on applied
 * PaymentEvents holds the database to that too (migration payment_guarantees).
 * What each change does to the order and its stock: order-settlement.ts; docs/payments.md draws
 * the whole picture.
 */
export const PAYMENT_TRANSITIONS = {
  creating: ['pending', 'create_failed', 'paid'],
  create_failed: ['pending', 'paid', 'failed', 'expired'],
  pending: ['paid', 'failed', 'expired', 'cancelled'],
  paid: ['refunded'],
  failed: ['paid'],
  expired: ['paid'],
  refunded: [],
  cancelled: [],
} as const satisfies Record<PaymentStatus, readonly PaymentStatus[]>;

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return (PAYMENT_TRANSITIONS[from] as readonly PaymentStatus[]).includes(to);
}

type Statuses<T> = ReadonlySet<T> & { has(status: T): boolean };
const statuses = <T extends string>(...list: T[]): Statuses<T> => new Set(list);

/** The shopper may still pay: these keep the order's stock held (a card one only while its link lives). */
export const OPEN_FOR_PAYMENT = statuses<PaymentStatus>('creating', 'pending');

/** Not decided yet as far as the bank is concerned: the reconciler asks about these. */
export const UNDECIDED_AT_BANK = statuses<PaymentStatus>('creating', 'pending', 'create_failed');

/** The bank took money for these (some or all of it may since have been refunded). */
export const TOOK_MONEY = statuses<PaymentStatus>('paid', 'refunded');

/** While the order has one of these, it takes no new attempt: it may still be paid, or already was. */
export const BLOCKS_NEW_ATTEMPT = statuses<PaymentStatus>(...OPEN_FOR_PAYMENT, ...TOOK_MONEY);

/** Orders whose money arrived; what is left of it depends on refunds. */
export const PAID_ORDER = statuses<OrderStatus>('paid', 'partially_refunded', 'refunded');

/** Orders that take a new attempt (an expired one reserves its stock again). */
export const PAYABLE_ORDER = statuses<OrderStatus>('awaiting_payment', 'expired');

/**
 * A paid order's status from all its attempts, never from the one that moved: paid while the
 * attempts still hold the whole total (a refunded duplicate payment leaves it paid), refunded once
 * they hold nothing, partially refunded in between. Amounts in TWD×100.
 */
export function paidOrderStatus(
  totalTwd: number,
  attempts: readonly { status: PaymentStatus; amount: number; refundedAmount: number }[],
): 'paid' | 'partially_refunded' | 'refunded' {
  const held = attempts
    .filter((attempt) => TOOK_MONEY.has(attempt.status))
    .reduce((sum, attempt) => sum + attempt.amount - attempt.refundedAmount, 0);
  if (held >= totalTwd * 100) return 'paid';
  return held > 0 ? 'partially_refunded' : 'refunded';
}
