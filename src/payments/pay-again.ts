// "Pay again by card" from the result page: a new card attempt (the old card link is used up or
// expired), for the shopper's own order, only when no earlier attempt may still take money.
import { canStartNewAttempt } from '../orders/order-detail';
import { findShopperOrder } from '../orders/my-orders';
import { PaymentStartError, startPaymentAttempt, type PaymentAttemptDependencies } from './start-attempt';

export type PayAgainResult =
  | { kind: 'not_found' }
  /** No new attempt is due (paid, still pending, or a concurrent click already started one). */
  | { kind: 'not_needed' }
  | { kind: 'card_page'; url: string }
  | { kind: 'start_failed'; error: PaymentStartError };

export async function payAgainByCard(
  deps: PaymentAttemptDependencies,
  input: { orderId: string; shopperId: string | undefined },
): Promise<PayAgainResult> {
  const order = await findShopperOrder(deps.db, input.shopperId, input.orderId);
  if (!order) return { kind: 'not_found' };
  if (!canStartNewAttempt(order)) return { kind: 'not_needed' };
  // A double click sends two requests; only the one that still sees the order as it read it goes on.
  // The new updatedAt always differs from the old one, even under a test's frozen clock.
  const claimedAt = new Date(Math.max(deps.clock().getTime(), order.updatedAt.getTime() + 1));
  const { count } = await deps.db.order.updateMany({
    where: { id: order.id, updatedAt: order.updatedAt },
    data: { updatedAt: claimedAt },
  });
  if (count === 0) return { kind: 'not_needed' };
  try {
    const payment = await startPaymentAttempt(deps, { orderId: order.id, payType: 'C' });
    return { kind: 'card_page', url: payment.cardPayUrl! };
  } catch (error) {
    if (error instanceof PaymentStartError) return { kind: 'start_failed', error };
    throw error;
  }
}
