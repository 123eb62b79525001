// Giving money back from the back office: what may be refunded or cancelled, the form the merchant
// fills in, the attempt the pages are about, and the OrderMaintain call with its outcome.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { isUniqueViolation, lockPayment, MONEY_TRANSACTION } from '../db/row-locks';
import type { Payment, Prisma, Refund, RefundKind } from '../generated/prisma/client';
import { applyRefundAnswer, markRefund } from '../payments/refund-outcome';
import type { ApplyResult } from '../payments/apply-result';
import type { SinopacClient } from '../sinopac/client';
import { giveMoneyBack } from '../sinopac/shop-bank';
import { UNSETTLED_REFUND } from '../payments/payment-states';

// What may be given back on a payment attempt. Checked when the merchant reviews a refund and again,
// under the attempt's row lock, right before the bank is asked.
/**
 * - not_card: the bank refunds and cancels card payments only.
 * - not_paid: only an attempt that took money has anything to give back.
 * - not_positive / over_remaining: the amount must be more than nothing and at most what is left.
 * - already_refunded: an authorisation can only be cancelled whole, before any refund.
 * - captured: the attempt was created to be captured at once (Payment.autoBilling, as recorded when
 *   it was created), so the bank captured it and refuses to cancel its authorisation; only a refund
 *   gives the money back.
 */
export type RefundProblem = 'not_card' | 'not_paid' | 'not_positive' | 'over_remaining' | 'already_refunded' | 'captured';

/** TWD×100 that can still be refunded: paid, less refunded, less refunds not booked either way yet. */
export function refundableAmount(payment: Payment, refunds: readonly Pick<Refund, 'status' | 'amount'>[]): number {
  const inFlight = refunds.filter((refund) => UNSETTLED_REFUND.has(refund.status)).reduce((sum, refund) => sum + refund.amount, 0);
  return Math.max(0, payment.amount - payment.refundedAmount - inFlight);
}

export function refundProblem(
  payment: Payment,
  refunds: readonly Pick<Refund, 'status' | 'amount'>[],
  request: { kind: RefundKind; amount: number },
): RefundProblem | undefined {
  if (payment.payType !== 'card') return 'not_card';
  if (payment.status !== 'paid') return 'not_paid';
  if (request.kind === 'cancel') {
    if (payment.autoBilling !== false) return 'captured';
    return refunds.some((refund) => refund.status !== 'failed') || payment.refundedAmount > 0 ? 'already_refunded' : undefined;
  }
  if (!Number.isInteger(request.amount) || request.amount <= 0) return 'not_positive';
  if (request.amount > refundableAmount(payment, refunds)) return 'over_remaining';
  return undefined;
}

export interface RefundActions {
  /** TWD×100 still refundable. */
  refundable: number;
  canRefund: boolean;
  canCancel: boolean;
}

/** Which of the money-back buttons an attempt's page offers. */
export function refundActions(payment: Payment, refunds: readonly Pick<Refund, 'status' | 'amount'>[]): RefundActions {
  const refundable = refundableAmount(payment, refunds);
  return {
    refundable,
    canRefund: refundable > 0 && refundProblem(payment, refunds, { kind: 'refund', amount: refundable }) === undefined,
    canCancel: refundProblem(payment, refunds, { kind: 'cancel', amount: payment.amount }) === undefined,
  };
}

// The refund form as the merchant fills it in: an amount in whole NT$ (the bank takes no cents), an
// optional reason the bank keeps as Remark, and the idempotency key the form was rendered with.
export interface RefundForm {
  kind: 'refund' | 'cancel';
  /** As typed, to show it again. */
  amountText: string;
  /** Whole TWD; undefined when what was typed is not a positive whole number (and for a cancel). */
  amountTwd: number | undefined;
  remark: string | undefined;
  idempotencyKey: string;
}

/** A form field the merchant has to correct. */
export type RefundFormProblem = 'amount' | 'remark';

// The bank refuses ' " % in free text and surrounding spaces; the length is ours,
// and control characters are refused as in every free-text field (web/plain-text.ts).
const REMARK = /^[^'"%\p{Cc}]{1,60}$/u;
const WHOLE_TWD = /^\d{1,9}$/;

/** A whole, positive NT$ amount as people type it (full-width digits, thousands separators, NT$), or undefined. */
export function readWholeTwd(typed: string): number | undefined {
  const text = typed.normalize('NFKC').replace(/[\s,]/g, '').replace(/^NT\$/i, '');
  return WHOLE_TWD.test(text) && Number(text) > 0 ? Number(text) : undefined;
}

// Kind and key come from hidden fields the shop wrote: anything else is a tampered form, a plain 400.
export const refundFormSchema = z.object({
  kind: z.enum(['refund', 'cancel']),
  amountTwd: z.string().trim().optional(),
  remark: z.string().trim().max(500).optional(),
  idempotencyKey: z.uuid(),
});

export function toRefundForm(input: z.output<typeof refundFormSchema>): { form: RefundForm; problem?: RefundFormProblem } {
  const amountText = input.amountTwd ?? '';
  const amountTwd = readWholeTwd(amountText);
  const remark = input.remark === '' ? undefined : input.remark;
  const form: RefundForm = { kind: input.kind, amountText, amountTwd, remark, idempotencyKey: input.idempotencyKey };
  if (remark !== undefined && !REMARK.test(remark)) return { form, problem: 'remark' };
  if (input.kind === 'refund' && amountTwd === undefined) return { form, problem: 'amount' };
  return { form };
}

// The attempt a refund or cancel page is about, with its order and the refunds asked for so far.
const refundTargetInclude = { order: true, refunds: { orderBy: { createdAt: 'asc' } } } as const satisfies Prisma.PaymentInclude;

export type RefundTarget = Prisma.PaymentGetPayload<{ include: typeof refundTargetInclude }>;

export function findRefundTarget(db: Database, paymentId: string): Promise<RefundTarget | null> {
  return db.payment.findUnique({ where: { id: paymentId }, include: refundTargetInclude });
}

// Giving money back on a card payment at the bank: a refund (whole or in part) or the cancel of an
// authorisation. Clicking twice refunds once: the form's idempotency key is
// reserved in the database, in a Refund row, before the bank is called; a second submission finds
// the key taken and never reaches the bank. The bank's answer is recorded on that row and applied
// through applyBankResult, the one path that changes a payment's state (refund-outcome.ts): the amount
// booked is the one asked for, and an answer that disagrees is left for review.
export interface RefundDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
}

export interface RefundRequest {
  paymentId: string;
  kind: RefundKind;
  /** TWD×100. For a cancel, the whole attempt is released whatever is given here. */
  amount: number;
  idempotencyKey: string;
  remark?: string;
  requestedBy: string;
}

export type RefundResult =
  | { kind: 'not_found' }
  | { kind: 'not_allowed'; problem: RefundProblem }
  /** The key was used before: nothing was sent to the bank this time. */
  | { kind: 'duplicate'; refund: Refund }
  | { kind: 'succeeded'; refund: Refund; applied: ApplyResult }
  /** The bank's answer cannot be squared with what was asked (another amount, or a change applyBankResult refused): nothing booked. */
  | { kind: 'needs_review'; refund: Refund; reason: string }
  | { kind: 'bank_refused'; refund: Refund }
  /** No trustworthy answer: the bank may or may not have refunded. The row stays "requested" and keeps its amount reserved. */
  | { kind: 'outcome_unknown'; refund: Refund };

type Reservation = { kind: 'reserved'; refund: Refund; payment: Payment } | Exclude<RefundResult, { kind: 'succeeded' | 'needs_review' | 'bank_refused' | 'outcome_unknown' }>;

export async function refundPayment(deps: RefundDependencies, request: RefundRequest): Promise<RefundResult> {
  const reservation = await reserve(deps.db, request);
  if (reservation.kind !== 'reserved') return reservation;
  const { refund, payment } = reservation;
  const log = deps.logger.child({ paymentId: payment.id, orderNo: payment.orderNo, refundId: refund.id, refundKind: refund.kind });

  const answer = await giveMoneyBack(deps.sinopac, {
    orderNo: payment.orderNo,
    kind: refund.kind,
    amount: refund.amount,
    wholeAmount: payment.amount,
    remark: refund.remark,
  });
  if (answer.kind === 'refused') {
    log.warn({ code: answer.code }, 'the bank refused the refund');
    const failed = await markRefund(deps, refund.id, 'failed', { bankCode: answer.code ?? null, bankDescription: answer.description });
    return { kind: 'bank_refused', refund: failed };
  }
  if (answer.kind === 'unknown') {
    log.error({ err: answer.cause }, 'refund sent but no trustworthy answer: the bank check will ask the bank');
    // The refund re-check asks the bank about it later (recheck-refunds.ts) and books what it finds.
    const unknown = await deps.db.refund.update({ where: { id: refund.id }, data: { bankDescription: answer.detail } });
    return { kind: 'outcome_unknown', refund: unknown };
  }
  if (answer.kind === 'not_sent') {
    // Nothing left the shop, so nothing stays reserved.
    await markRefund(deps, refund.id, 'failed', { bankDescription: answer.detail });
    throw answer.cause;
  }

  const applied = await applyRefundAnswer(deps, refund, { amount: answer.amount, description: answer.description }, 'admin');
  return applied.kind === 'succeeded' ? applied : { kind: 'needs_review', refund: applied.refund, reason: applied.reason };
}

/** Takes the key and checks the amount while holding the attempt's row lock, so two different refunds cannot both take the last of it. */
async function reserve(db: Database, request: RefundRequest): Promise<Reservation> {
  const taken = await db.refund.findUnique({ where: { idempotencyKey: request.idempotencyKey } });
  if (taken) return { kind: 'duplicate', refund: taken };
  try {
    return await db.$transaction(async (tx) => {
      if (!(await lockPayment(tx, request.paymentId))) return { kind: 'not_found' };
      // Read again under the lock: a submission that waited for it finds the key its twin just took.
      const twin = await tx.refund.findUnique({ where: { idempotencyKey: request.idempotencyKey } });
      if (twin) return { kind: 'duplicate', refund: twin };
      const payment = await tx.payment.findUniqueOrThrow({ where: { id: request.paymentId }, include: { refunds: true } });
      const amount = request.kind === 'cancel' ? payment.amount - payment.refundedAmount : request.amount;
      const problem = refundProblem(payment, payment.refunds, { kind: request.kind, amount });
      if (problem) return { kind: 'not_allowed', problem };
      const refund = await tx.refund.create({
        data: {
          paymentId: payment.id,
          kind: request.kind,
          amount,
          idempotencyKey: request.idempotencyKey,
          remark: request.remark ?? null,
          createdBy: request.requestedBy,
        },
      });
      return { kind: 'reserved', refund, payment };
    }, MONEY_TRANSACTION);
  } catch (error) {
    // The same key submitted for another attempt at the same moment: the other submission has it.
    if (isUniqueViolation(error)) {
      return { kind: 'duplicate', refund: await db.refund.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey } }) };
    }
    throw error;
  }
}
