// What happens to an order after its payment, written down once: the fulfilment transition table
// (beside the payment's, src/payments/payment-states.ts), which orders may move along it, and when
// an order may be cancelled and how. Shipping, delivery, returns and cancellations all consult this
// module, so nothing moves an order along an edge that is not listed here.
import type { FulfilmentStatus, OrderStatus } from '../generated/prisma/client';

/**
 * Allowed moves of a paid order's parcel. The whole order ships at once (no partial shipments);
 * a delivered parcel may still come back; returned is final (money goes back through a refund).
 */
export const FULFILMENT_TRANSITIONS = {
  unfulfilled: ['shipped'],
  shipped: ['delivered', 'returned'],
  delivered: ['returned'],
  returned: [],
} as const satisfies Record<FulfilmentStatus, readonly FulfilmentStatus[]>;

/** Orders whose money is (still, at least in part) with the shop: only these are shipped. */
export const SHIPPABLE_ORDER: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['paid', 'partially_refunded']);

/**
 * Why a fulfilment move is refused:
 * - not_paid: the order's money has not arrived (or was given back), so nothing is shipped;
 * - not_allowed: the table has no such edge from where the parcel is (shipping one twice, say).
 */
export type FulfilmentProblem = 'not_paid' | 'not_allowed';

export function fulfilmentProblem(
  order: { status: OrderStatus; fulfilmentStatus: FulfilmentStatus },
  to: FulfilmentStatus,
): FulfilmentProblem | undefined {
  if (to === 'shipped' && !SHIPPABLE_ORDER.has(order.status)) return 'not_paid';
  const allowed = FULFILMENT_TRANSITIONS[order.fulfilmentStatus] as readonly FulfilmentStatus[];
  return allowed.includes(to) ? undefined : 'not_allowed';
}

/** An unpaid order the merchant or its shopper may cancel: its stock comes back (if it still holds it). */
const CANCELLABLE_UNPAID: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['awaiting_payment', 'expired']);

/**
 * How an order is cancelled, or why it cannot be:
 * - cancel: unpaid, so it is simply closed;
 * - refund: paid and not shipped, so cancelling it is refunding it in full (the refund path);
 * - shipped: the parcel left, refused (a return, then a refund, is the way back);
 * - closed: already cancelled or refunded.
 */
export type Cancellation = 'cancel' | 'refund' | 'shipped' | 'closed';

export function cancellationOf(order: { status: OrderStatus; fulfilmentStatus: FulfilmentStatus }): Cancellation {
  if (order.fulfilmentStatus !== 'unfulfilled') return 'shipped';
  if (CANCELLABLE_UNPAID.has(order.status)) return 'cancel';
  return SHIPPABLE_ORDER.has(order.status) ? 'refund' : 'closed';
}

/** Which of the fulfilment buttons an order's back-office page offers. */
export function fulfilmentActions(order: { status: OrderStatus; fulfilmentStatus: FulfilmentStatus }) {
  return {
    canShip: fulfilmentProblem(order, 'shipped') === undefined,
    canDeliver: fulfilmentProblem(order, 'delivered') === undefined,
    canReturn: fulfilmentProblem(order, 'returned') === undefined,
    cancellation: cancellationOf(order),
  };
}
