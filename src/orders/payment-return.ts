// A card attempt the shopper came back from: the bank's card page sent them to our result page,
// so they may have been charged, even while the attempt still reads "pending" because the bank's
// answer has not reached us yet. While that lasts, no page offers the card page or a new attempt
// (a second charge), only "we are confirming your payment". Kept in the session because the
// return itself carries nothing that ties it to an order until the bank has answered.
import type { SessionData } from 'express-session';
import type { Payment } from '../generated/prisma/client';
import type { OrderWithPayments } from './my-orders';
import { OPEN_FOR_PAYMENT } from '../payments/payment-states';

declare module 'express-session' {
  interface SessionData {
    /** Card attempts this browser came back from, with when (ms since epoch); the newest few only. */
    returnedPayments?: { paymentId: string; at: number }[];
  }
}

const KEPT = 10;
/** How long the confirming page keeps asking before it says what happens next instead. */
const CONFIRMING_LIMIT_MS = 2 * 60_000;

export interface Confirming {
  payment: Payment;
  /** When the shopper came back from the card page. */
  returnedAt: Date;
  /** Past the time limit: the page stops asking and says what happens next. */
  overdue: boolean;
  /** Seconds of asking left; 0 when overdue. */
  secondsLeft: number;
}

/** The card attempt the order waits on, when it is still undecided. */
function undecidedCardAttempt(order: OrderWithPayments): Payment | undefined {
  const latest = order.payments.at(-1);
  return latest?.payType === 'card' && OPEN_FOR_PAYMENT.has(latest.status) ? latest : undefined;
}

/** Remembers that the shopper came back from the order's undecided card attempt, if it has one. */
export function noteReturn(session: Partial<SessionData>, order: OrderWithPayments, now: Date): void {
  const payment = undecidedCardAttempt(order);
  if (!payment) return;
  const kept = (session.returnedPayments ?? []).filter((entry) => entry.paymentId !== payment.id);
  const earlier = session.returnedPayments?.find((entry) => entry.paymentId === payment.id);
  session.returnedPayments = [...kept, { paymentId: payment.id, at: earlier?.at ?? now.getTime() }].slice(-KEPT);
}

/** The order's card attempt the shopper came back from and whose result is still unknown. */
export function confirmingPayment(session: Partial<SessionData>, order: OrderWithPayments, now: Date): Confirming | undefined {
  const payment = undecidedCardAttempt(order);
  const returned = payment && session.returnedPayments?.find((entry) => entry.paymentId === payment.id);
  if (!payment || !returned) return undefined;
  const left = Math.max(0, returned.at + CONFIRMING_LIMIT_MS - now.getTime());
  return { payment, returnedAt: new Date(returned.at), overdue: left === 0, secondsLeft: Math.ceil(left / 1000) };
}

/** The newest of the shopper's orders that waits on a card attempt: the one whose card page they just left. */
export function awaitingCardResult(orders: readonly OrderWithPayments[]): OrderWithPayments | undefined {
  return orders
    .filter((order) => undecidedCardAttempt(order))
    .sort((a, b) => undecidedCardAttempt(b)!.createdAt.getTime() - undecidedCardAttempt(a)!.createdAt.getTime())[0];
}
