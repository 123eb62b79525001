// What a person has to look at, listed in the back office: attempts the bank has not been able to
// describe ATTENTION_AFTER_FAILURES times in a row (a refusal, an answer the shop cannot trust, or
// one about another amount) and still undecided, which the jobs keep asking about on their
// schedule; and refunds whose bank answer could not be squared with what was asked.
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import { ATTENTION_AFTER_FAILURES } from '../jobs/bank-check-schedule';
import { UNDECIDED_AT_BANK } from '../payments/payment-states';

const include = { order: { select: { id: true, number: true } } } as const satisfies Prisma.PaymentInclude;

export type AttemptNeedingAttention = Prisma.PaymentGetPayload<{ include: typeof include }>;

export function findPaymentsNeedingAttention(db: Database): Promise<AttemptNeedingAttention[]> {
  return db.payment.findMany({
    where: { bankCheckFailures: { gte: ATTENTION_AFTER_FAILURES }, status: { in: [...UNDECIDED_AT_BANK] } },
    include,
    orderBy: { createdAt: 'asc' },
  });
}

const refundInclude = { payment: { select: { orderNo: true, order: { select: { id: true, number: true } } } } } as const satisfies Prisma.RefundInclude;

export type RefundNeedingReview = Prisma.RefundGetPayload<{ include: typeof refundInclude }>;

export function findRefundsNeedingReview(db: Database): Promise<RefundNeedingReview[]> {
  return db.refund.findMany({ where: { status: 'needs_review' }, include: refundInclude, orderBy: { createdAt: 'asc' } });
}

export function needsAttention(payment: { bankCheckFailures: number; status: string }): boolean {
  return payment.bankCheckFailures >= ATTENTION_AFTER_FAILURES && UNDECIDED_AT_BANK.has(payment.status as never);
}
