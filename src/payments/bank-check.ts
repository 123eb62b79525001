// Asking the bank about one attempt by its OrderNo (OrderQuery, PROTOCOL.md §4.3), for when its
// notifications never came (the reconciler), its ATM deadline has passed (the expiry) or the
// merchant asks (the back office's re-check). The answer is checked against the attempt before
// anything may act on it; a disagreement is recorded as a refused change and goes no further.
// What to settle is for the caller to decide.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Payment } from '../generated/prisma/client';
import type { SinopacClient } from '../sinopac/client';
import { bankFailureOf } from '../sinopac/errors';
import type { OrderQueryEntry } from '../sinopac/messages';
import { answerMismatches, isTransientRefusal, NO_DATA_CODE, paymentOfOrderEntry } from '../sinopac/bank-answers';
import { recordRefusedChange } from './payment-transition';
import type { BankOutcome, SettleSource } from './settle';

export interface BankCheckDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
}

/** Who asks the bank: also the source the caller settles the answer as. */
export type BankAsker = Extract<SettleSource, 'reconcile' | 'expiry' | 'admin'>;

export type BankCheck =
  /** The bank's PayStatus, and what it means for the attempt (undefined: still waiting for the payer). */
  | { kind: 'status'; payStatus: string; outcome: BankOutcome | undefined }
  /** The bank has no order with this OrderNo: OrderCreate never reached it. */
  | { kind: 'not_at_bank' }
  /** The bank's order disagrees with the attempt (amount, pay type, TSNo); recorded, not to be acted on. */
  | { kind: 'mismatch'; payStatus: string; mismatches: string[] }
  /**
   * No trustworthy answer now; ask again later. `refusal` when the bank did answer, with Status "F":
   * the merchant is shown its code. `unreachable` when no answer came at all (the bank is down for
   * every attempt, not just this one). `transient` when it is likely to pass in minutes (no answer,
   * the bank busy or in maintenance) rather than an answer that says something (another refusal, a
   * message that failed its checks). `detail` is what went wrong, for the attempt's record.
   */
  | { kind: 'bank_unavailable'; refusal?: { code: string | undefined }; unreachable: boolean; transient: boolean; detail: string };

// How the attempt's history names who asked, in the reason of a refused change.
const ASKER_IN_HISTORY: Record<BankAsker, string> = { reconcile: 'reconcile', expiry: 'expiry', admin: 'admin re-check' };

export async function checkWithBank(deps: BankCheckDependencies, payment: Payment, askedBy: BankAsker): Promise<BankCheck> {
  const { db, sinopac, clock, logger } = deps;
  const log = logger.child({ paymentId: payment.id, orderNo: payment.orderNo, source: askedBy });

  let entry: OrderQueryEntry | undefined;
  try {
    const answer = await sinopac.orderQuery({ OrderNo: payment.orderNo });
    entry = answer.OrderList.find((listed) => listed.OrderNo === payment.orderNo);
  } catch (error) {
    const failure = bankFailureOf(error);
    if (!failure) throw error;
    if (failure.kind === 'refused' && failure.code === NO_DATA_CODE) {
      entry = undefined;
    } else if (failure.kind === 'refused') {
      log.warn({ err: error }, 'the bank refused to say what became of the attempt');
      return { kind: 'bank_unavailable', refusal: { code: failure.code }, unreachable: false, transient: isTransientRefusal(failure.code), detail: failure.description };
    } else {
      log.warn({ err: error }, 'could not ask the bank about the attempt');
      const noAnswer = failure.kind === 'no_answer';
      return { kind: 'bank_unavailable', unreachable: noAnswer, transient: noAnswer, detail: failure.detail };
    }
  }
  // A usable answer, whoever asked, ends a run of failures (jobs/bank-check-schedule.ts); a
  // disagreeing one does not.
  const answered = { lastBankCheckAt: clock() };
  const usable = { ...answered, bankCheckFailures: 0, lastBankError: null };
  if (!entry) {
    await db.payment.update({ where: { id: payment.id }, data: usable });
    return { kind: 'not_at_bank' };
  }

  const payStatus = entry.PayStatus;
  const mismatches = answerMismatches(entry, payment, { publishedTestCardPays: sinopac.publishedTestCardPays });
  const outcome = paymentOfOrderEntry(entry);
  if (mismatches.length > 0) {
    const reason = `mismatch: ${mismatches.join('; ')} (${ASKER_IN_HISTORY[askedBy]})`;
    await recordRefusedChange(db, { paymentId: payment.id, from: payment.status, to: outcome?.kind ?? payment.status, reason });
    log.error({ mismatches, payStatus }, 'the bank’s order disagrees with the attempt: check it by hand');
    await db.payment.update({ where: { id: payment.id }, data: answered });
    return { kind: 'mismatch', payStatus, mismatches };
  }
  await db.payment.update({ where: { id: payment.id }, data: usable });
  return { kind: 'status', payStatus, outcome };
}
