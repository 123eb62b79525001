// Giving money back on a card payment through OrderMaintain: a refund (R, whole or in part) or the
// cancel of an authorisation (C). Clicking twice refunds once: the form's idempotency key is
// reserved in the database, in a Refund row, before the bank is called; a second submission finds
// the key taken and never reaches the bank. The bank's answer is recorded on that row and applied
// through settlePayment, the one path that changes a payment's state (refund-outcome.ts): the amount
// booked is the one asked for, and an answer that disagrees is left for review.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Payment, Refund, RefundKind } from '../generated/prisma/client';
import { isUniqueViolation, lockPayment, MONEY_TRANSACTION } from '../db/row-locks';
import { applyRefundAnswer, markRefund } from '../payments/refund-outcome';
import type { SettleResult } from '../payments/settle';
import type { SinopacClient } from '../sinopac/client';
import { bankFailureOf } from '../sinopac/errors';
import type { OrderMaintainResponse } from '../sinopac/messages';
import { refundProblem, type RefundProblem } from './refund-rules';

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
  | { kind: 'succeeded'; refund: Refund; settled: SettleResult }
  /** The bank's answer cannot be squared with what was asked (another amount, or a change settle refused): nothing booked. */
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

  let answer: OrderMaintainResponse;
  try {
    answer = await deps.sinopac.orderMaintain({
      OrderNo: payment.orderNo,
      Command: refund.kind === 'refund' ? 'R' : 'C',
      // Without Amount the bank refunds the whole payment (§4.5); a part is named explicitly.
      ...(refund.kind === 'refund' && refund.amount !== payment.amount && { Amount: refund.amount }),
      ...(refund.remark && { Remark: refund.remark }),
    });
  } catch (error) {
    const failure = bankFailureOf(error);
    if (failure?.kind === 'refused') {
      log.warn({ code: failure.code }, 'the bank refused the refund');
      const failed = await markRefund(deps, refund.id, 'failed', { bankCode: failure.code ?? null, bankDescription: failure.description });
      return { kind: 'bank_refused', refund: failed };
    }
    if (failure?.kind === 'no_answer' || failure?.kind === 'untrusted') {
      log.error({ err: error }, 'refund sent but no trustworthy answer: the reconciler will ask the bank');
      // The reconciler asks the bank about it later (recheck-refunds.ts) and books what it finds.
      const unknown = await deps.db.refund.update({ where: { id: refund.id }, data: { bankDescription: failure.detail } });
      return { kind: 'outcome_unknown', refund: unknown };
    }
    // Nothing left the shop, so nothing stays reserved.
    if (failure?.kind === 'not_sent') await markRefund(deps, refund.id, 'failed', { bankDescription: failure.detail });
    throw error;
  }

  const applied = await applyRefundAnswer(deps, refund, { amount: answer.Amount, description: answer.Description }, 'admin');
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
