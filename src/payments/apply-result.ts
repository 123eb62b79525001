// THE one function that decides what a bank result does to a payment attempt and its order, and
// the only code that changes an attempt's status. Starting an attempt (OrderCreate's answer or its
// failure), the webhook, the return page, the bank check (also giving up an OrderCreate that was
// never answered), the ATM expiry, refunds and the admin re-check all come through here;
// OrderCreate's answer for an attempt still creating comes through applyCreated, the same change in
// one statement, which hands anything else to applyBankResult.
//
// Exactly once, by the database rather than by luck: the attempt's row is locked (SELECT … FOR
// UPDATE) for the whole transaction, so concurrent applications of one attempt run one after the other
// and each sees what the previous one did; every status change is additionally conditional on the
// status it was decided from. Behind both, unique indexes refuse a second applied transition into
// the same status and a second "applied" PayToken row (migration payment_guarantees): should
// anything ever get past the lock, the transaction rolls back and the caller hears already_applied.
// Stock is not this function's: the order reserved it when placed (see apply-to-order.ts).
// Money that moves (a payment collected, a refund made) is also written to the append-only
// MoneyMovement record in the same transaction, at the time it happened, for the daily settlement.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import { Prisma, type Payment, type PayType, type PaymentStatus } from '../generated/prisma/client';
import { enqueueMail, mailRows, mailWakeUp } from '../mail/outbox';
import { enqueueInvoiceCredit } from '../einvoice/invoice-queue';
import { isUniqueViolation, lockPayment, MONEY_TRANSACTION, type LockedPayment } from '../db/row-locks';
import { attemptsHoldingStock, expireOrderUnlessHeld, markOrderPaid, updateOrderAfterRefund } from './apply-to-order';
import type { PaymentAtBank } from '../sinopac/bank-answers';
import { canTransition, changePaymentStatus, recordRefusedChange, type PaymentColumns } from './payment-states';

/** What the bank's card link or ATM account for a new attempt is, from OrderCreate's answer. */
export interface CreatedAttempt {
  tsNo: string;
  cardPayUrl?: string;
  atmPayNo?: string;
  atmBankCode?: string;
  webAtmUrl?: string | null;
  atmDeadline?: Date;
}

/**
 * What the bank says happened to the attempt, already checked against it by the caller: a payment
 * outcome as src/sinopac/bank-answers.ts reads the bank's answers, or one of these.
 */
export type BankOutcome =
  | PaymentAtBank
  /** OrderCreate accepted the attempt: the shopper can pay it now. Only from creating. */
  | ({ kind: 'created' } & CreatedAttempt)
  /** OrderCreate was refused or never answered; `code` is the bank's, or ours (timeout, no_answer...). */
  | { kind: 'create_failed'; code?: string; description?: string }
  /** `amount` in TWD×100; a refund of less than what remains keeps the attempt paid. */
  | { kind: 'refunded'; amount: number };

/** Where the outcome came from, for the audit trail. */
export type ResultSource = 'checkout' | 'backend' | 'return' | 'bank_check' | 'expiry' | 'admin';

export interface ApplyRequest {
  paymentId: string;
  outcome: BankOutcome;
  source: ResultSource;
  payToken?: string;
  /** The PayToken log row of the delivery being settled: marked applied in the same transaction. */
  payTokenRowId?: number;
  /**
   * With a "refunded" outcome: the Refund row it completes, marked succeeded in the same
   * transaction, so a refund is booked exactly once however often its answer is applied.
   */
  refundId?: string;
  /**
   * The refund was in needs_review and a person records that the bank's own back office shows it
   * made (src/admin/refund-review.ts): it may be completed from there, for the amount recorded.
   */
  reviewedRefund?: boolean;
  /**
   * With a "created" card attempt: how long its card page is open. The order confirmation waits
   * that long, so a card paid at once gets the receipt alone (docs/mail.md).
   */
  cardLinkMinutes?: number;
}

export type ApplyResult =
  | { kind: 'applied'; from: PaymentStatus; to: PaymentStatus; orderId: string }
  /** Nothing to do: the attempt already is where this outcome would take it. */
  | { kind: 'already_applied'; status: PaymentStatus; orderId: string }
  /** Not allowed from where the attempt is; recorded as a PaymentEvent with applied = false. */
  | { kind: 'refused'; from: PaymentStatus; to: PaymentStatus; orderId: string; reason: string };

export interface ApplyDependencies {
  db: Database;
  clock: () => Date;
  logger: Logger;
}

class PaymentNotFoundError extends Error {
  override name = 'PaymentNotFoundError';
  constructor(readonly paymentId: string) {
    super(`payment ${paymentId} does not exist`);
  }
}

/** The row was locked and still moved under us: something bypasses the lock. Rolls the transaction back. */
class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
}

type Tx = Prisma.TransactionClient;

export async function applyBankResult(deps: ApplyDependencies, request: ApplyRequest): Promise<ApplyResult> {
  let result: ApplyResult;
  try {
    result = await deps.db.$transaction((tx) => settleLocked(tx, deps, request), MONEY_TRANSACTION);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // One of the unique indexes found this change already made: by another settle, so nothing is lost.
    const payment = await deps.db.payment.findUniqueOrThrow({ where: { id: request.paymentId }, select: { status: true, orderId: true } });
    deps.logger.warn({ paymentId: request.paymentId, source: request.source, err: error }, 'applying found its change already recorded');
    return { kind: 'already_applied', status: payment.status, orderId: payment.orderId };
  }
  const log = deps.logger.child({ paymentId: request.paymentId, orderId: result.orderId, source: request.source });
  if (result.kind === 'applied') log.info({ from: result.from, to: result.to }, 'bank result applied');
  else if (result.kind === 'refused') log.warn({ from: result.from, to: result.to, reason: result.reason }, 'payment change refused');
  return result;
}

/**
 * OrderCreate's answer for an attempt that is still `creating`, the usual case, applied without a
 * transaction: recordCreated's one statement, whose UPDATE takes the row lock until it ends, so
 * exactly one of any concurrent applications matches. An attempt no longer `creating` (the bank
 * check gave it up meanwhile) goes through applyBankResult, which refuses and records it. Returns
 * the attempt as it now is, so the caller need not read it back.
 */
export async function applyCreated(
  deps: ApplyDependencies,
  request: { paymentId: string; created: CreatedAttempt; cardLinkMinutes?: number },
): Promise<{ kind: 'applied'; payment: Payment } | Exclude<ApplyResult, { kind: 'applied' }>> {
  const { paymentId, created, cardLinkMinutes } = request;
  const source: ResultSource = 'checkout';
  let payment: Payment | undefined;
  try {
    payment = await recordCreated(deps.db, { paymentId, created, cardLinkMinutes, source });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Its transition was already recorded: applyBankResult finds out what the attempt now is.
  }
  if (payment === undefined) {
    const result = await applyBankResult(deps, { paymentId, outcome: { kind: 'created', ...created }, source, ...(cardLinkMinutes !== undefined && { cardLinkMinutes }) });
    if (result.kind !== 'applied') return result;
    return { kind: 'applied', payment: await deps.db.payment.findUniqueOrThrow({ where: { id: paymentId } }) };
  }
  deps.logger.child({ paymentId, orderId: payment.orderId, source }).info({ from: 'creating', to: 'pending' }, 'bank result applied');
  return { kind: 'applied', payment };
}

/**
 * An accepted attempt, `creating` → `pending`, in one statement, only if it is still creating:
 * its card link or ATM account, its PaymentEvent, the unpaid order's method (which follows the
 * attempt opened last, apply-to-order.ts) when it differs, and the order's confirmation mail, or
 * for a later ATM account its own mail (src/mail/outbox.ts), so that all or none is written.
 * Returns the attempt as it now is, or undefined when it was no longer creating. On its own
 * (applyCreated) or under settleLocked's row lock.
 */
async function recordCreated(
  db: Database | Tx,
  change: { paymentId: string; created: CreatedAttempt; cardLinkMinutes: number | undefined; source: ResultSource },
): Promise<Payment | undefined> {
  const { paymentId, created, cardLinkMinutes, source } = change;
  // The notification is raised (and delivered at commit) only when a mail row due at once was
  // written; the count in the answer is what makes PostgreSQL run it.
  const [row] = await db.$queryRaw<Array<Payment & { mailsWoken: bigint }>>`
    WITH changed AS (
      UPDATE "Payment" SET "status" = 'pending', "updatedAt" = now() AT TIME ZONE 'UTC',
        "tsNo" = ${created.tsNo}, "cardPayUrl" = ${created.cardPayUrl ?? null}, "atmPayNo" = ${created.atmPayNo ?? null},
        "atmBankCode" = ${created.atmBankCode ?? null}, "webAtmUrl" = ${created.webAtmUrl ?? null}, "atmDeadline" = ${created.atmDeadline ?? null}
      WHERE "id" = ${paymentId} AND "status" = 'creating'
      RETURNING *
    ), event AS (
      INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", "applied", "reason", "createdAt")
      SELECT "id", 'creating', 'pending', true, ${`created (${source})`}, now() AT TIME ZONE 'UTC' FROM changed
    ), followed AS (
      UPDATE "Order" o SET "payType" = c."payType", "updatedAt" = now() AT TIME ZONE 'UTC'
      FROM changed c WHERE o."id" = c."orderId" AND o."status" = 'awaiting_payment' AND o."payType" <> c."payType"
    ), ${mailRows('placed', 'order_placed', Prisma.sql`(SELECT "id" AS "paymentId", "orderId", "payType" FROM changed) AS c`, Prisma.sql`CASE WHEN "payType" = 'card' THEN ${confirmationHoldMinutes('card', cardLinkMinutes)} ELSE 0 END`)},
    ${mailRows('reissued', 'atm_account_reissued', Prisma.sql`(SELECT "id" AS "paymentId", "orderId" FROM changed WHERE "payType" = 'atm' AND NOT EXISTS (SELECT 1 FROM placed)) AS c`)}
    SELECT changed.*, ${mailWakeUp(['placed', 'reissued'])} AS "mailsWoken" FROM changed`;
  if (!row) return undefined;
  const { mailsWoken: _mailsWoken, ...payment } = row;
  return payment;
}

/**
 * How long the order's confirmation waits after its attempt started: a card's whole link and a
 * minute, so that a card paid at once gets the receipt alone (docs/mail.md); an ATM account's at once.
 */
function confirmationHoldMinutes(payType: PayType, cardLinkMinutes: number | undefined): number {
  return payType === 'card' && cardLinkMinutes !== undefined ? cardLinkMinutes + 1 : 0;
}

async function settleLocked(tx: Tx, deps: ApplyDependencies, request: ApplyRequest): Promise<ApplyResult> {
  const payment = await lockPayment(tx, request.paymentId);
  if (payment === undefined) throw new PaymentNotFoundError(request.paymentId);
  const { outcome } = request;
  const base = { paymentId: payment.id, payToken: request.payToken };
  const orderId = payment.orderId;

  const to = targetStatus(payment, outcome);
  const partialRefund = outcome.kind === 'refunded' && to === 'paid';
  if (to === payment.status && !partialRefund) return { kind: 'already_applied', status: to, orderId };

  const refund = request.refundId === undefined ? undefined : await tx.refund.findUnique({ where: { id: request.refundId } });
  if (refund?.status === 'succeeded') return { kind: 'already_applied', status: payment.status, orderId };
  const refusal =
    refusalReason(payment, to, outcome) ??
    (refund === null ? `refund ${request.refundId} does not exist` : refund && refundRefusal(refund, payment, request.reviewedRefund === true));
  if (refusal !== undefined) {
    await recordRefusedChange(tx, { ...base, from: payment.status, to, reason: `${refusal} (${request.source})` });
    return { kind: 'refused', from: payment.status, to, orderId, reason: refusal };
  }

  // An accepted attempt: the statement applyCreated makes, here under the row lock.
  if (outcome.kind === 'created') {
    const created = await recordCreated(tx, { paymentId: payment.id, created: outcome, cardLinkMinutes: request.cardLinkMinutes, source: request.source });
    if (!created) throw new ConcurrentChangeError(`payment ${payment.id} left ${payment.status} while locked`);
    return { kind: 'applied', from: payment.status, to, orderId };
  }

  const reason = `${outcome.kind} (${request.source})`;
  // The amount booked is the row's own, except for a reviewed refund, booked as the bank shows it.
  if (refund) {
    const amount = outcome.kind === 'refunded' ? outcome.amount : refund.amount;
    await tx.refund.update({ where: { id: refund.id }, data: { status: 'succeeded', amount } });
    await tx.moneyMovement.create({
      data: { kind: 'refund', paymentId: payment.id, refundId: refund.id, amount, occurredAt: deps.clock() },
    });
    // The shopper is told of each refund once, in the transaction that books it.
    await enqueueMail(tx, { orderId, kind: 'payment_refunded', paymentId: payment.id, refundId: refund.id });
  }
  if (partialRefund) {
    await refundPart(tx, payment, outcome.amount, { ...base, reason });
    await updateOrderAfterRefund(tx, orderId);
    // The e-invoice is credited what the refund gave back, from the transaction that books it.
    if (refund) await enqueueInvoiceCredit(tx, orderId, refund.id);
    return { kind: 'applied', from: 'paid', to: 'paid', orderId };
  }

  // The delivery's row, and for a payment its booking and its order, change in the same statement.
  const paidAt = to === 'paid' && outcome.kind === 'paid' ? (outcome.payDate ?? deps.clock()) : undefined;
  const { changed, orderPaid } = await changePaymentStatus(tx, {
    ...base,
    from: payment.status,
    to,
    data: columnsFor(outcome, payment, request.payToken),
    reason,
    ...(request.payTokenRowId !== undefined && { deliveryRowId: request.payTokenRowId }),
    ...(paidAt !== undefined && { paidAt }),
  });
  if (!changed) throw new ConcurrentChangeError(`payment ${payment.id} left ${payment.status} while locked`);

  // What the change does to the order. Each e-mail is written in this transaction, once per order
  // (src/mail/outbox.ts): the receipt when paid, by the paying change's own statement.
  if (paidAt !== undefined) await markOrderPaid(tx, deps.logger, payment, paidAt, orderPaid);
  // The attempt ended without payment: the order expires unless another of its attempts can still be paid.
  if (to === 'expired' || to === 'cancelled') await expireOrderUnlessHeld(tx, orderId, { AND: [{ id: { not: payment.id } }, attemptsHoldingStock()] });
  if (to === 'refunded') {
    await updateOrderAfterRefund(tx, orderId);
    if (refund) await enqueueInvoiceCredit(tx, orderId, refund.id);
  }
  return { kind: 'applied', from: payment.status, to, orderId };
}

/** A refund applies only to its own attempt, and only once, from "requested" (or "needs_review" when a person reviewed it). */
function refundRefusal(refund: { id: string; paymentId: string; status: string }, payment: LockedPayment, reviewed: boolean): string | undefined {
  if (refund.paymentId !== payment.id) return `refund ${refund.id} is for another attempt`;
  if (refund.status === 'requested' || (reviewed && refund.status === 'needs_review')) return undefined;
  return `refund ${refund.id} is ${refund.status}`;
}

function targetStatus(payment: LockedPayment, outcome: BankOutcome): PaymentStatus {
  if (outcome.kind === 'created') return 'pending';
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
  // A late OrderCreate answer must not reopen an attempt the bank check gave up on: the order may
  // have a newer one by now.
  if (outcome.kind === 'created' && payment.status !== 'creating') return `OrderCreate answered after the attempt became ${payment.status}`;
  if (!canTransition(payment.status, to)) {
    // Money the bank took for an attempt we gave up on must be refunded by hand; the refusal row says so.
    return to === 'paid' ? `bank reports paid for an attempt that is ${payment.status}: refund by hand` : `${payment.status} → ${to} is not allowed`;
  }
  return undefined;
}

function columnsFor(outcome: Exclude<BankOutcome, { kind: 'created' }>, payment: LockedPayment, payToken: string | undefined): PaymentColumns {
  switch (outcome.kind) {
    case 'create_failed':
      return { failureCode: outcome.code ?? null, failureReason: outcome.description ?? null };
    case 'paid':
      return {
        payDate: outcome.payDate ?? null,
        cardLast4: outcome.cardLast4 ?? null,
        payToken: payToken ?? null,
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
