// Attempts the bank has not been able to describe ATTENTION_AFTER_FAILURES times in a row (a
// refusal, an answer the shop cannot trust, or one about another amount), still undecided: the
// jobs keep asking on their schedule, but a person should look. Listed in the back office.
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

export function needsAttention(payment: { bankCheckFailures: number; status: string }): boolean {
  return payment.bankCheckFailures >= ATTENTION_AFTER_FAILURES && UNDECIDED_AT_BANK.has(payment.status as never);
}
