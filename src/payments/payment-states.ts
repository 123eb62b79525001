// The life of one payment attempt and of its order, written down once: the two transition tables,
// every grouping of statuses the shop decides by, and the only functions that change either
// status. An attempt's change (changePaymentStatus, called only by applyBankResult) and an
// order's (changeOrderStatus) consult the tables, so nothing moves along an edge not listed here;
// each is a conditional update (only if it is still in the status the caller saw), in the caller's
// transaction: two processes racing for the same change both issue it, and exactly one matches.
import { Prisma, type OrderStatus, type PaymentStatus, type RefundStatus } from '../generated/prisma/client';
import { updatePaymentStatus, type OrderPaidNow } from './payment-sql';
import { toBankAmount } from '../sinopac/shop-bank';

/**
 * Allowed moves, from → to.
 * - creating: the row exists before OrderCreate is sent, so a crash leaves a trace for the bank check.
 * - "paid" is the bank's statement that money arrived, which outranks our own judgement, so it is
 *   taken from every state we reached without the bank saying so: creating (we crashed before
 *   storing the bank's answer), create_failed (OrderCreate timed out but the bank did create the
 *   order), failed and expired (e.g. an ATM transfer inside our grace period).
 * - paid → refunded: only once the whole amount is refunded; a partial refund keeps it paid.
 * Terminal: refunded, cancelled. Nothing leaves paid except a refund, so a late "failed" cannot
 * turn a paid order unpaid; cancelled → paid is refused and recorded, for a refund by hand.
 * The table has no cycle, so an attempt enters each status at most once; a unique index on applied
 * PaymentEvents holds the database to that too (migration payment_guarantees).
 * What each change does to the order and its stock: apply-to-order.ts; docs/payments.md draws
 * the whole picture.
 */
const PAYMENT_TRANSITIONS = {
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

/**
 * An order's allowed moves, from → to. It follows its attempts (apply-to-order.ts):
 * - awaiting_payment: placed, its stock reserved; paid by an attempt, expired when none of its
 *   attempts can still be paid, or cancelled unpaid (orders/cancel-order.ts).
 * - expired: its stock given back; a new attempt revives it (awaiting_payment again, the stock
 *   reserved anew), money arriving late still pays it, and it may still be cancelled.
 * - paid → partially_refunded → refunded, from the money its attempts still hold (paidOrderStatus).
 * Terminal: refunded, cancelled. Money on a cancelled order pays the attempt, never the order.
 */
const ORDER_TRANSITIONS = {
  awaiting_payment: ['paid', 'expired', 'cancelled'],
  expired: ['awaiting_payment', 'paid', 'cancelled'],
  paid: ['partially_refunded', 'refunded'],
  partially_refunded: ['refunded'],
  refunded: [],
  cancelled: [],
} as const satisfies Record<OrderStatus, readonly OrderStatus[]>;

function canOrderTransition(from: OrderStatus, to: OrderStatus): boolean {
  return (ORDER_TRANSITIONS[from] as readonly OrderStatus[]).includes(to);
}

type Statuses<T> = ReadonlySet<T> & { has(status: T): boolean };
const statuses = <T extends string>(...list: T[]): Statuses<T> => new Set(list);

/** The shopper may still pay: these keep the order's stock held (a card one only while its link lives). */
export const OPEN_FOR_PAYMENT = statuses<PaymentStatus>('creating', 'pending');

/** Not decided yet as far as the bank is concerned: the bank check asks about these. */
export const UNDECIDED_AT_BANK = statuses<PaymentStatus>('creating', 'pending', 'create_failed');

/** The bank took money for these (some or all of it may since have been refunded). */
export const TOOK_MONEY = statuses<PaymentStatus>('paid', 'refunded');

/** While the order has one of these, it takes no new attempt: it may still be paid, or already was. */
export const BLOCKS_NEW_ATTEMPT = statuses<PaymentStatus>(...OPEN_FOR_PAYMENT, ...TOOK_MONEY);

/** Orders whose money arrived; what is left of it depends on refunds. */
export const PAID_ORDER = statuses<OrderStatus>('paid', 'partially_refunded', 'refunded');

/** Orders that take a new attempt (an expired one reserves its stock again). */
export const PAYABLE_ORDER = statuses<OrderStatus>('awaiting_payment', 'expired');

/** Refunds that may have moved money without the shop having booked it: their amount is held back. */
export const UNSETTLED_REFUND = statuses<RefundStatus>('requested', 'needs_review');

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
  if (held >= toBankAmount(totalTwd)) return 'paid';
  return held > 0 ? 'partially_refunded' : 'refunded';
}

class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(readonly from: PaymentStatus | OrderStatus, readonly to: PaymentStatus | OrderStatus, subject: 'payment' | 'order' = 'payment') {
    super(`${subject} status cannot go from ${from} to ${to}`);
  }
}

/**
 * Moves the order from `from` to `to` (with `data` written alongside) if it is still in `from`;
 * true when this call made the change. Callers move stock only after a change they made.
 */
export async function changeOrderStatus(
  tx: Prisma.TransactionClient,
  change: { orderId: string; from: OrderStatus; to: OrderStatus; data?: Omit<Prisma.OrderUpdateManyMutationInput, 'status'> },
): Promise<boolean> {
  const { orderId, from, to, data = {} } = change;
  if (!canOrderTransition(from, to)) throw new IllegalTransitionError(from, to, 'order');
  const { count } = await tx.order.updateMany({ where: { id: orderId, status: from }, data: { ...data, status: to } });
  return count === 1;
}

/** What a status change may write along with the status: what the bank's answer told us. */
export interface PaymentColumns {
  tsNo?: string | null;
  cardPayUrl?: string | null;
  atmPayNo?: string | null;
  atmBankCode?: string | null;
  webAtmUrl?: string | null;
  atmDeadline?: Date | null;
  payDate?: Date | null;
  cardLast4?: string | null;
  payToken?: string | null;
  failureCode?: string | null;
  failureReason?: string | null;
  refundedAmount?: number;
}

/** The column each name stands for: a name not listed here never reaches the SQL text. */
const COLUMNS: { [name in keyof Required<PaymentColumns>]: Prisma.Sql } = {
  tsNo: Prisma.raw('"tsNo"'),
  cardPayUrl: Prisma.raw('"cardPayUrl"'),
  atmPayNo: Prisma.raw('"atmPayNo"'),
  atmBankCode: Prisma.raw('"atmBankCode"'),
  webAtmUrl: Prisma.raw('"webAtmUrl"'),
  atmDeadline: Prisma.raw('"atmDeadline"'),
  payDate: Prisma.raw('"payDate"'),
  cardLast4: Prisma.raw('"cardLast4"'),
  payToken: Prisma.raw('"payToken"'),
  failureCode: Prisma.raw('"failureCode"'),
  failureReason: Prisma.raw('"failureReason"'),
  refundedAmount: Prisma.raw('"refundedAmount"'),
};

export interface StatusChange {
  paymentId: string;
  from: PaymentStatus;
  to: PaymentStatus;
  data?: PaymentColumns;
  reason: string;
  payToken?: string;
  /** The PayToken log row of the delivery that brought the change: marked applied with it. */
  deliveryRowId?: number;
  /** Into paid: when the money arrived. The money is booked and an order awaiting payment paid with the change (payment-sql.ts). */
  paidAt?: Date;
}

/**
 * `changed`: this call made the change; false when the attempt was no longer in `from`.
 * `orderPaid`: with paidAt, the order the change paid (null when it was not awaiting payment).
 */
export async function changePaymentStatus(tx: Prisma.TransactionClient, change: StatusChange): Promise<{ changed: boolean; orderPaid: OrderPaidNow | null }> {
  const { paymentId, from, to, data = {}, reason, payToken, deliveryRowId, paidAt } = change;
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  // Timestamps are UTC wall time, as Prisma writes them (Dates are sent in UTC as well).
  const columns = (Object.keys(COLUMNS) as Array<keyof PaymentColumns>)
    .filter((name) => data[name] !== undefined)
    .map((name) => Prisma.sql`, ${COLUMNS[name]} = ${data[name]}`);
  return updatePaymentStatus(tx, {
    paymentId, from, to, columns, reason, payToken: payToken ?? null,
    ...(deliveryRowId !== undefined && { deliveryRowId }),
    ...(paidAt !== undefined && { paidAt }),
  });
}

/** Keeps the record of a change that was asked for and not made: illegal, mismatched or untrusted. */
export async function recordRefusedChange(
  tx: Prisma.TransactionClient,
  refusal: { paymentId: string; from: PaymentStatus; to: PaymentStatus; reason: string; payToken?: string },
): Promise<void> {
  const { paymentId, from, to, reason, payToken } = refusal;
  await tx.paymentEvent.create({ data: { paymentId, fromStatus: from, toStatus: to, applied: false, reason, payToken } });
}
