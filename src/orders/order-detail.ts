// What the order page offers, decided from the order's payment attempts: where to transfer for a
// pending ATM attempt, the way back to a pending card page, or another attempt when none is open.
import { canStartNewAttempt, canSwitchToAtm } from '../payments/payable-order';
import { payOptions } from './pay-options';
import type { OrderWithPayments } from './my-orders';

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
  const atmPending = pending?.payType === 'A' && pending.atmPayNo ? pending : undefined;
  return {
    order,
    atm: atmPending && {
      accountNumber: atmPending.atmPayNo!,
      bankCode: atmPending.atmBankCode,
      amount: atmPending.amount,
      deadline: atmPending.atmDeadline,
      webAtmUrl: atmPending.webAtmUrl,
    },
    cardPayUrl: pending?.payType === 'C' ? (pending.cardPayUrl ?? undefined) : undefined,
    startFailed: order.payments.at(-1)?.status === 'create_failed',
    canPayAgain: canStartNewAttempt(order, order.payments),
    canSwitchToAtm: payOptions(order).includes('A') && canSwitchToAtm(order, order.payments),
  };
}
