// The life of one payment attempt, written down once. Every status change goes through
// changePaymentStatus, which consults this table, so nothing can move an attempt along an edge
// that is not listed here.
import type { PaymentStatus } from '../generated/prisma/client';

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
 * What each change does to the order and its stock: order-settlement.ts; the README's
 * "How payments stay correct" draws the whole picture.
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
