// The bank check: asking the bank about one attempt by its OrderNo, for when its notifications
// never came (the bank-check job, jobs/bank-check-job.ts), its ATM deadline has passed (the
// expiry) or the merchant asks (the back office's re-check). The answer is checked against the
// attempt before anything may act on it; a disagreement is recorded as a refused change and goes
// no further. What to apply is for the caller to decide.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Payment } from '../generated/prisma/client';
import type { SinopacClient } from '../sinopac/client';
import { askAboutAttempt } from '../sinopac/shop-bank';
import { recordRefusedChange } from './payment-states';
import type { BankOutcome, ResultSource } from './apply-result';

export interface BankCheckDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
}

/** Who asks the bank: also the source the caller settles the answer as. */
export type BankAsker = Extract<ResultSource, 'bank_check' | 'expiry' | 'admin'>;

export type BankCheck =
  /** The bank's status code, and what it means for the attempt (undefined: still waiting for the payer). */
  | { kind: 'status'; payStatus: string; outcome: BankOutcome | undefined }
  /** The bank has no order with this OrderNo: OrderCreate never reached it. */
  | { kind: 'not_at_bank' }
  /** The bank's order disagrees with the attempt (amount, pay type, TSNo); recorded, not to be acted on. */
  | { kind: 'mismatch'; payStatus: string; mismatches: string[] }
  /**
   * No trustworthy answer now; ask again later. `refusal` when the bank did answer no:
   * the merchant is shown its code. `unreachable` when no answer came at all (the bank is down for
   * every attempt, not just this one). `transient` when it is likely to pass in minutes (no answer,
   * the bank busy or in maintenance) rather than an answer that says something (another refusal, a
   * message that failed its checks). `detail` is what went wrong, for the attempt's record.
   */
  | { kind: 'bank_unavailable'; refusal?: { code: string | undefined }; unreachable: boolean; transient: boolean; detail: string };

// How the attempt's history names who asked, in the reason of a refused change.
const ASKER_IN_HISTORY: Record<BankAsker, string> = { bank_check: 'bank check', expiry: 'expiry', admin: 'admin re-check' };

export async function checkWithBank(deps: BankCheckDependencies, payment: Payment, askedBy: BankAsker): Promise<BankCheck> {
  const { db, sinopac, clock, logger } = deps;
  const log = logger.child({ paymentId: payment.id, orderNo: payment.orderNo, source: askedBy });

  const atBank = await askAboutAttempt(sinopac, payment);
  if (atBank.kind === 'unavailable') {
    if (atBank.refused) {
      log.warn({ err: atBank.cause }, 'the bank refused to say what became of the attempt');
      return { kind: 'bank_unavailable', refusal: { code: atBank.refusalCode }, unreachable: false, transient: atBank.transient, detail: atBank.detail };
    }
    log.warn({ err: atBank.cause }, 'could not ask the bank about the attempt');
    return { kind: 'bank_unavailable', unreachable: atBank.unreachable, transient: atBank.transient, detail: atBank.detail };
  }
  // A usable answer, whoever asked, ends a run of failures (jobs/bank-check-schedule.ts); a
  // disagreeing one does not.
  const answered = { lastBankCheckAt: clock() };
  const usable = { ...answered, bankCheckFailures: 0, lastBankError: null };
  if (atBank.kind === 'not_at_bank') {
    await db.payment.update({ where: { id: payment.id }, data: usable });
    return { kind: 'not_at_bank' };
  }

  const { payStatus, outcome, mismatches } = atBank;
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
