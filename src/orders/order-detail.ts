// What the order and result pages show and offer, decided from the order's payment attempts: where
// to transfer for a pending ATM attempt, the way back to a pending card page, another attempt when
// none is open and in which pay types, what the shopper is told after paying, and the short state
// the pages poll to learn that they are out of date.
import { z } from 'zod';
import type { Order, Payment, PayType } from '../generated/prisma/client';
import { canStartNewAttempt, canSwitchToAtm } from '../payments/payable-order';
import { OPEN_FOR_PAYMENT, PAID_ORDER } from '../payments/payment-states';
import { payTypesFor } from '../sinopac/shop-bank';
import type { OrderWithPayments } from './my-orders';

/** The pay types a new attempt of the order may use: a card always, ATM within the bank's cap on one transfer. */
export function payOptions(order: Pick<Order, 'totalTwd'>): PayType[] {
  return payTypesFor(order.totalTwd);
}

/** What the order and result pages' pay buttons send; without a choice, the order's own pay type. */
export const newAttemptForm = z.object({ payType: z.enum(['card', 'atm']).optional() });

export type ShopperOutcome = 'success' | 'pending' | 'failure';

/**
 * What the shopper is told after paying: decided from the order and its attempts (oldest first),
 * never from what the bank's redirect said. Any paid attempt is a success, even if a later one failed.
 */
export function shopperOutcome(order: Pick<Order, 'status'>, payments: readonly Pick<Payment, 'status'>[]): ShopperOutcome {
  if (PAID_ORDER.has(order.status) || payments.some((payment) => payment.status === 'paid')) return 'success';
  const latest = payments.at(-1);
  return latest && OPEN_FOR_PAYMENT.has(latest.status) ? 'pending' : 'failure';
}

/** A short string that changes whenever the order's status, its latest attempt or that attempt's status does. */
export function statusState(order: { status: string; payments: readonly { id: string; status: string }[] }): string {
  const latest = order.payments.at(-1);
  return `${order.status}/${latest ? `${latest.id}:${latest.status}` : '-'}`;
}

export interface AtmInstructions {
  accountNumber: string;
  bankCode: string | null;
  /** TWD×100, as the bank counts it: the transfer must be exactly this. */
  amount: number;
  deadline: Date | null;
  webAtmUrl: string | null;
}

export interface OrderDetail {
  order: OrderWithPayments;
  atm: AtmInstructions | undefined;
  cardPayUrl: string | undefined;
  /** The latest attempt could not be set up at the bank (refused, or no usable answer). */
  startFailed: boolean;
  canPayAgain: boolean;
  /** A card link is open and the shopper may pay by ATM instead (within the bank's ATM cap). */
  canSwitchToAtm: boolean;
}

export function orderDetail(order: OrderWithPayments): OrderDetail {
  const pending = order.payments.filter((payment) => payment.status === 'pending').at(-1);
  const atmPending = pending?.payType === 'atm' && pending.atmPayNo ? pending : undefined;
  return {
    order,
    atm: atmPending && {
      accountNumber: atmPending.atmPayNo!,
      bankCode: atmPending.atmBankCode,
      amount: atmPending.amount,
      deadline: atmPending.atmDeadline,
      webAtmUrl: atmPending.webAtmUrl,
    },
    cardPayUrl: pending?.payType === 'card' ? (pending.cardPayUrl ?? undefined) : undefined,
    startFailed: order.payments.at(-1)?.status === 'create_failed',
    canPayAgain: canStartNewAttempt(order, order.payments),
    canSwitchToAtm: payOptions(order).includes('atm') && canSwitchToAtm(order, order.payments),
  };
}
