// Attempts a person has to look at, and the merchant's "re-check with bank" for any attempt.
import type { Database } from '../db/prisma';
import { Prisma, type Payment } from '../generated/prisma/client';
import { ATTENTION_AFTER_FAILURES } from '../jobs/bank-check-schedule';
import { checkWithBank, type BankCheckDependencies } from '../payments/bank-check';
import { UNDECIDED_AT_BANK } from '../payments/payment-states';
import { applyBankResult, type ApplyResult } from '../payments/apply-result';
import { UNANSWERED_ATTENTION } from '../einvoice/invoice-steps';

// What a person has to look at, listed in the back office: attempts the bank has not been able to
// describe ATTENTION_AFTER_FAILURES times in a row (a refusal, an answer the shop cannot trust, or
// one about another amount) and still undecided, which the jobs keep asking about on their
// schedule; and refunds whose bank answer could not be squared with what was asked.
const attentionInclude = { order: { select: { id: true, number: true } } } as const satisfies Prisma.PaymentInclude;

export type AttemptNeedingAttention = Prisma.PaymentGetPayload<{ include: typeof attentionInclude }>;

// The conditions of the three lists, also counted in the navbar (nav-counts.ts), written out in
// SQL: with the statuses bound, as Prisma sends them (a cast the planner does not evaluate), it
// cannot see that the partial indexes of migrations back_office_counts and paid_on_cancelled_order
// hold every row, and reads the whole table: 0.4 and 0.6 s at a million orders.
const sqlList = (values: Iterable<string>) => Prisma.raw([...values].map((value) => `'${value}'`).join(', '));
export const STUCK_ATTEMPT_SQL = Prisma.sql`"bankCheckFailures" >= ${Prisma.raw(String(ATTENTION_AFTER_FAILURES))} AND status IN (${sqlList(UNDECIDED_AT_BANK)})`;
export const REFUND_IN_REVIEW_SQL = Prisma.sql`status = 'needs_review'`;
export const PAID_ON_CANCELLED_ORDER_SQL = Prisma.sql`"paidOnCancelledOrder" AND status = 'paid'`;

/**
 * E-invoice steps a person has to look at: the provider refused them (they wait for the merchant's
 * retry), or gave no answer UNANSWERED_ATTENTION times in a row (still retried by the job).
 */
export const INVOICE_STEP_NEEDING_ATTENTION_SQL = Prisma.sql`(status = 'refused' OR (status = 'pending' AND "unansweredInARow" >= ${Prisma.raw(String(UNANSWERED_ATTENTION))}))`;

const invoiceStepInclude = { invoice: { select: { number: true, order: { select: { id: true, number: true } } } } } as const satisfies Prisma.InvoiceStepInclude;

export type InvoiceStepNeedingAttention = Prisma.InvoiceStepGetPayload<{ include: typeof invoiceStepInclude }>;

export async function findInvoiceStepsNeedingAttention(db: Database): Promise<InvoiceStepNeedingAttention[]> {
  const rows = await db.$queryRaw<Array<{ id: number }>>`SELECT id FROM "InvoiceStep" WHERE ${INVOICE_STEP_NEEDING_ATTENTION_SQL}`;
  return db.invoiceStep.findMany({ where: { id: { in: rows.map((row) => row.id) } }, include: invoiceStepInclude, orderBy: { id: 'asc' } });
}

/** The ids of the attempts `condition` holds for, read through its partial index. */
async function paymentIds(db: Database, condition: Prisma.Sql): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Payment" WHERE ${condition}`;
  return rows.map((row) => row.id);
}

export async function findPaymentsNeedingAttention(db: Database): Promise<AttemptNeedingAttention[]> {
  return db.payment.findMany({
    where: { id: { in: await paymentIds(db, STUCK_ATTEMPT_SQL) } },
    include: attentionInclude,
    orderBy: { createdAt: 'asc' },
  });
}

const refundInclude = { payment: { select: { orderNo: true, order: { select: { id: true, number: true } } } } } as const satisfies Prisma.RefundInclude;

export type RefundNeedingReview = Prisma.RefundGetPayload<{ include: typeof refundInclude }>;

export function findRefundsNeedingReview(db: Database): Promise<RefundNeedingReview[]> {
  return db.refund.findMany({ where: { status: 'needs_review' }, include: refundInclude, orderBy: { createdAt: 'asc' } });
}

/**
 * Money that arrived on an order the merchant or shopper had cancelled (the bank cannot end a
 * pending attempt): the attempt is paid, the order stays cancelled, and someone has to give the
 * money back, by the refund form for a card, by hand for an ATM transfer.
 */
export async function findPaidOnCancelledOrders(db: Database): Promise<AttemptNeedingAttention[]> {
  return db.payment.findMany({
    where: { id: { in: await paymentIds(db, PAID_ON_CANCELLED_ORDER_SQL) } },
    include: attentionInclude,
    orderBy: { createdAt: 'asc' },
  });
}

export function needsAttention(payment: { bankCheckFailures: number; status: string }): boolean {
  return payment.bankCheckFailures >= ATTENTION_AFTER_FAILURES && UNDECIDED_AT_BANK.has(payment.status as never);
}

// "Re-check with bank": the merchant asks the bank about one attempt the way the bank check job
// does (checkWithBank, which records a disagreeing answer instead of applying it) and what it says
// is applied through the same applyBankResult as the bank's callbacks, e.g. for a payment whose
// notifications were all lost. What the back office adds: a result to choose its notice from.
export type RecheckResult =
  | { kind: 'answered'; payStatus: string; change: ApplyResult }
  /** The bank's status has nothing to apply: still waiting for the payer, or already reflected. */
  | { kind: 'nothing_new'; payStatus: string }
  | { kind: 'not_at_bank' }
  | { kind: 'mismatch'; payStatus: string; mismatches: string[] }
  | { kind: 'bank_refused'; code: string | undefined }
  | { kind: 'bank_unavailable' };

/** Undefined when there is no such attempt. */
export async function recheckPayment(
  deps: BankCheckDependencies,
  paymentId: string,
): Promise<{ orderId: string; orderNo: string; result: RecheckResult } | undefined> {
  const payment = await deps.db.payment.findUnique({ where: { id: paymentId } });
  if (!payment) return undefined;
  return { orderId: payment.orderId, orderNo: payment.orderNo, result: await recheck(deps, payment) };
}

async function recheck(deps: BankCheckDependencies, payment: Payment): Promise<RecheckResult> {
  const check = await checkWithBank(deps, payment, 'admin');
  if (check.kind === 'bank_unavailable') {
    return check.refusal ? { kind: 'bank_refused', code: check.refusal.code } : { kind: 'bank_unavailable' };
  }
  if (check.kind !== 'status') return check;

  const { payStatus, outcome } = check;
  // A refund leaves the bank's status of the payment where it was (and a cancelled authorisation is kept as a refund),
  // so for a refunded attempt the bank's status says nothing the shop does not know.
  if (!outcome || payment.status === 'refunded') return { kind: 'nothing_new', payStatus };

  const change = await applyBankResult(deps, { paymentId: payment.id, outcome, source: 'admin' });
  return { kind: 'answered', payStatus, change };
}
