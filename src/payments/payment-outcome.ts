// What the shopper is told after paying: decided from the order and its latest attempt, never from
// what the bank's redirect said (that carries no trusted data).
import type { Order, Payment } from '../generated/prisma/client';
import { OPEN_FOR_PAYMENT, PAID_ORDER } from './payment-states';

export type ShopperOutcome = 'success' | 'pending' | 'failure';

/** `payments` oldest first. Any paid attempt is a success, even if a later one failed. */
export function shopperOutcome(order: Pick<Order, 'status'>, payments: readonly Pick<Payment, 'status'>[]): ShopperOutcome {
  if (PAID_ORDER.has(order.status) || payments.some((payment) => payment.status === 'paid')) return 'success';
  const latest = payments.at(-1);
  return latest && OPEN_FOR_PAYMENT.has(latest.status) ? 'pending' : 'failure';
}
