// THE one function that decides what a bank result does to a payment attempt and its order.
// The webhook, the return page, the reconciler and any admin re-check all come through here.
//
// Exactly once, by the database rather than by luck: the attempt's row is locked (SELECT … FOR
// UPDATE) for the whole transaction, so concurrent settles of one attempt run one after the other
// and each sees what the previous one did; every status change is additionally conditional on the
// status it was decided from. The order moves to paid, and stock is taken, only by the settle that
// itself moved the order from unpaid to paid, so a second paid attempt never takes stock twice.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { PaymentStatus, Prisma } from '../generated/prisma/client';
import { canTransition } from './payment-states';
import { changePaymentStatus, recordRefusedChange } from './payment-transition';

/** What the bank says happened to the attempt, already checked against it by the caller. */
export type BankOutcome =
  | { kind: 'paid'; payDate?: Date; tsNo?: string; cardLast4?: string }
  | { kind: 'failed'; code?: string; description?: string }
  | { kind: 'expired' }
  | { kind: 'cancelled' }
  /** `amount` in TWD×100; a refund of less than what remains keeps the attempt paid. */
  | { kind: 'refunded'; amount: number };

/** Where the outcome came from, for the audit trail. */
export type SettleSource = 'backend' | 'return' | 'reconcile' | 'expiry' | 'admin';

export interface SettleRequest {
  paymentId: string;
  outcome: BankOutcome;
  source: SettleSource;
  payToken?: string;
}

export type SettleResult =
  | { kind: 'applied'; from: PaymentStatus; to: PaymentStatus; orderId: string }
  /** Nothing to do: the attempt already is where this outcome would take it. */
  | { kind: 'already_applied'; status: PaymentStatus; orderId: string }
  /** Not allowed from where the attempt is; recorded as a PaymentEvent with applied = false. */
  | { kind: 'refused'; from: PaymentStatus; to: PaymentStatus; orderId: string; reason: string };

export interface SettleDependencies {
  db: Database;
  clock: () => Date;
  logger: Logger;
}

export class PaymentNotFoundError extends Error {
  override name = 'PaymentNotFoundError';
  constructor(readonly paymentId: string) {
    super(`payment ${paymentId} does not exist`);
  }
}

/** The row was locked and still moved under us: something bypasses the lock. Rolls the transaction back. */
export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
}

const TRANSACTION = { maxWait: 10_000, timeout: 15_000 } as const;
type Tx = Prisma.TransactionClient;
type LockedPayment = Prisma.PaymentGetPayload<object>;

export async function settlePayment(deps: SettleDependencies, request: SettleRequest): Promise<SettleResult> {
  const result = await deps.db.$transaction((tx) => settleLocked(tx, deps, request), TRANSACTION);
  const log = deps.logger.child({ paymentId: request.paymentId, orderId: result.orderId, source: request.source });
  if (result.kind === 'applied') log.info({ from: result.from, to: result.to }, 'payment settled');
  else if (result.kind === 'refused') log.warn({ from: result.from, to: result.to, reason: result.reason }, 'payment change refused');
  return result;
}

async function settleLocked(tx: Tx, deps: SettleDependencies, request: SettleRequest): Promise<SettleResult> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Payment" WHERE id = ${request.paymentId} FOR UPDATE`;
  if (locked.length === 0) throw new PaymentNotFoundError(request.paymentId);
  const payment = await tx.payment.findUniqueOrThrow({ where: { id: request.paymentId } });
  const { outcome } = request;
  const base = { paymentId: payment.id, payToken: request.payToken };
  const orderId = payment.orderId;

  const to = targetStatus(payment, outcome);
  const partialRefund = outcome.kind === 'refunded' && to === 'paid';
  if (to === payment.status && !partialRefund) return { kind: 'already_applied', status: to, orderId };

  const refusal = refusalReason(payment, to, outcome);
  if (refusal !== undefined) {
    await recordRefusedChange(tx, { ...base, from: payment.status, to, reason: `${refusal} (${request.source})` });
    return { kind: 'refused', from: payment.status, to, orderId, reason: refusal };
  }

  const reason = `${outcome.kind} (${request.source})`;
  if (partialRefund) {
    await refundPart(tx, payment, outcome.amount, { ...base, reason });
    await tx.order.updateMany({ where: { id: orderId, status: 'paid' }, data: { status: 'partially_refunded' } });
    return { kind: 'applied', from: 'paid', to: 'paid', orderId };
  }

  const changed = await changePaymentStatus(tx, { ...base, from: payment.status, to, data: columnsFor(outcome, payment), reason });
  if (!changed) throw new ConcurrentChangeError(`payment ${payment.id} left ${payment.status} while locked`);

  if (to === 'paid' && outcome.kind === 'paid') await markOrderPaid(tx, deps, payment, outcome.payDate ?? deps.clock());
  if (to === 'refunded') {
    await tx.order.updateMany({ where: { id: orderId, status: { in: ['paid', 'partially_refunded'] } }, data: { status: 'refunded' } });
  }
  return { kind: 'applied', from: payment.status, to, orderId };
}

function targetStatus(payment: LockedPayment, outcome: BankOutcome): PaymentStatus {
  if (outcome.kind !== 'refunded') return outcome.kind;
  return payment.refundedAmount + outcome.amount >= payment.amount ? 'refunded' : 'paid';
}

function refusalReason(payment: LockedPayment, to: PaymentStatus, outcome: BankOutcome): string | undefined {
  if (outcome.kind === 'refunded') {
    if (payment.status !== 'paid') return `refund of an attempt that is ${payment.status}`;
    if (!Number.isInteger(outcome.amount) || outcome.amount <= 0) return `refund amount ${outcome.amount} is not positive`;
    if (payment.refundedAmount + outcome.amount > payment.amount) {
      return `refund of ${outcome.amount} exceeds the ${payment.amount - payment.refundedAmount} left`;
    }
    return undefined;
  }
  if (!canTransition(payment.status, to)) {
    // Money the bank took for an attempt we gave up on must be refunded by hand; the refusal row says so.
    return to === 'paid' ? `bank reports paid for an attempt that is ${payment.status}: refund by hand` : `${payment.status} → ${to} is not allowed`;
  }
  return undefined;
}

function columnsFor(outcome: BankOutcome, payment: LockedPayment): Prisma.PaymentUncheckedUpdateManyInput {
  switch (outcome.kind) {
    case 'paid':
      return {
        payDate: outcome.payDate ?? null,
        cardLast4: outcome.cardLast4 ?? null,
        tsNo: payment.tsNo ?? outcome.tsNo ?? null,
        failureCode: null,
        failureReason: null,
      };
    case 'failed':
      return { failureCode: outcome.code ?? null, failureReason: outcome.description ?? null };
    case 'refunded':
      return { refundedAmount: payment.amount };
    case 'expired':
    case 'cancelled':
      return {};
  }
}

async function refundPart(
  tx: Tx,
  payment: LockedPayment,
  amount: number,
  event: { paymentId: string; reason: string; payToken?: string },
): Promise<void> {
  const { count } = await tx.payment.updateMany({
    where: { id: payment.id, status: 'paid', refundedAmount: payment.refundedAmount },
    data: { refundedAmount: { increment: amount } },
  });
  if (count === 0) throw new ConcurrentChangeError(`payment ${payment.id} changed while locked`);
  await tx.paymentEvent.create({
    data: { ...event, fromStatus: 'paid', toStatus: 'paid', applied: true, reason: `${event.reason}: ${amount} of ${payment.amount}` },
  });
}

/** Only the settle that moves the order out of unpaid takes stock, so it is taken once per order. */
async function markOrderPaid(tx: Tx, deps: SettleDependencies, payment: LockedPayment, paidAt: Date): Promise<void> {
  const { count } = await tx.order.updateMany({
    where: { id: payment.orderId, status: { in: ['awaiting_payment', 'expired'] } },
    data: { status: 'paid', paidAt },
  });
  if (count === 0) {
    const order = await tx.order.findUniqueOrThrow({ where: { id: payment.orderId }, select: { status: true } });
    // A second attempt paid for the same order (e.g. an old card link used after a retry): the
    // money is real, the order is already paid; someone has to refund one of them.
    deps.logger.error({ orderId: payment.orderId, paymentId: payment.id, orderStatus: order.status }, 'attempt paid for an order that is not awaiting payment: refund needed');
    return;
  }
  const lines = await tx.orderLine.findMany({ where: { orderId: payment.orderId }, orderBy: { productId: 'asc' } });
  // Taken in product order so that two orders paid at once lock products in the same order (no deadlock).
  // Stock may go below zero: the shopper has paid, so an oversell is for the shop to resolve, not to refuse.
  for (const line of lines) {
    await tx.product.update({ where: { id: line.productId }, data: { stock: { decrement: line.quantity } } });
  }
}
