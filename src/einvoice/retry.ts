// The merchant's "retry" of an invoice step the provider refused (or has not answered for long):
// the step is due again at once, its invoice back to pending if issuing it was refused, the retry
// written into the history with who asked, and every process's einvoice job woken. Nothing is sent
// from the request itself: the job runs the step, with its claim, as always.
import type { Database } from '../db/prisma';
import { wakeInvoiceSteps } from './invoice-queue';
import { UNANSWERED_ATTENTION } from './invoice-steps';

export type RetryResult = { kind: 'queued' | 'not_retryable'; orderId: string; orderNumber: string } | { kind: 'not_found' };

export function retryInvoiceStep(db: Database, stepId: number, actor: string, now: Date): Promise<RetryResult> {
  return db.$transaction(async (tx) => {
    const step = await tx.invoiceStep.findUnique({ where: { id: stepId }, include: { invoice: { select: { orderId: true, order: { select: { number: true } } } } } });
    if (!step) return { kind: 'not_found' } as const;
    const { orderId } = step.invoice;
    const orderNumber = step.invoice.order.number;
    const { count } = await tx.invoiceStep.updateMany({
      where: { id: stepId, OR: [{ status: 'refused' }, { status: 'pending', unansweredInARow: { gte: UNANSWERED_ATTENTION } }] },
      // A claim in force stays: the job holding the step finishes its call first.
      data: { status: 'pending', nextAttemptAt: now, unansweredInARow: 0 },
    });
    if (count === 0) return { kind: 'not_retryable', orderId, orderNumber } as const;
    if (step.kind === 'issue') await tx.invoice.updateMany({ where: { id: step.invoiceId, status: 'refused' }, data: { status: 'pending' } });
    await tx.invoiceEvent.create({ data: { invoiceId: step.invoiceId, action: 'retry', outcome: 'queued', actor, message: step.kind } });
    await wakeInvoiceSteps(tx);
    return { kind: 'queued', orderId, orderNumber } as const;
  });
}
