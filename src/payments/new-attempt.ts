// "Pay again": another payment attempt for the shopper's own order, after the earlier ones failed,
// expired or could not be set up. The order page asks for one in the pay type chosen at checkout,
// the card result page asks for a card one. Whether the order takes it, and the double-click guard,
// are startPaymentAttempt's, decided with the order's row locked.
import type { Payment, PayType } from '../generated/prisma/client';
import { findShopperOrder } from '../orders/my-orders';
import {
  OrderNotPayableError,
  PaymentStartError,
  startPaymentAttempt,
  type NotPayableReason,
  type PaymentAttemptDependencies,
} from './start-attempt';

export type NewAttemptResult =
  | { kind: 'not_found' }
  /** Paid, an attempt still open (e.g. the first of a double click), or sold out since the order expired. */
  | { kind: 'not_payable'; reason: NotPayableReason }
  | { kind: 'started'; payment: Payment }
  | { kind: 'start_failed'; error: PaymentStartError };

export async function startNewAttempt(
  deps: PaymentAttemptDependencies,
  input: { orderId: string; shopperId: string | undefined; payType?: PayType },
): Promise<NewAttemptResult> {
  const order = await findShopperOrder(deps.db, input.shopperId, input.orderId);
  if (!order) return { kind: 'not_found' };
  try {
    const payment = await startPaymentAttempt(deps, { orderId: order.id, payType: input.payType ?? order.payType });
    return { kind: 'started', payment };
  } catch (error) {
    if (error instanceof OrderNotPayableError) return { kind: 'not_payable', reason: error.reason };
    if (error instanceof PaymentStartError) return { kind: 'start_failed', error };
    throw error;
  }
}
