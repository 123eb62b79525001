// Another payment attempt for an order whose earlier attempts all failed (the bank could not be
// reached, the card was declined, the link expired).
import type { PaymentAttemptDependencies } from '../payments/start-attempt';
import { beginPayment } from '../checkout/begin-payment';
import { findShopperOrder } from './my-orders';
import { canStartNewAttempt } from './order-detail';

/** Where to send the shopper next, or undefined when the shopper has no such order. */
export async function retryPayment(
  deps: PaymentAttemptDependencies,
  input: { orderId: string; shopperId: string | undefined },
): Promise<string | undefined> {
  const order = await findShopperOrder(deps.db, input.shopperId, input.orderId);
  if (!order) return undefined;
  const orderPage = `/orders/${order.id}`;
  if (!canStartNewAttempt(order)) return orderPage;
  // Claims the order against a concurrent retry (a double click): only the request that still sees
  // the updatedAt it read may start an attempt. The new value differs from the old even under a
  // test's frozen clock.
  const claimedAt = new Date(Math.max(deps.clock().getTime(), order.updatedAt.getTime() + 1));
  const { count } = await deps.db.order.updateMany({
    where: { id: order.id, updatedAt: order.updatedAt },
    data: { updatedAt: claimedAt },
  });
  if (count === 0) return orderPage;
  return beginPayment(deps, order);
}
