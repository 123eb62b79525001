// Asking the bank about one attempt by its OrderNo (OrderQuery, PROTOCOL.md §4.3), for when its
// notifications never came (the reconciler) or its ATM deadline has passed (the expiry). The
// answer is checked against the attempt before anything may act on it; a disagreement is recorded
// as a refused change and goes no further. What to settle is for the caller to decide.
import type { Logger } from 'pino';
import { entryMismatches, outcomeOfPayStatus } from '../admin/bank-pay-status';
import type { Database } from '../db/prisma';
import type { Payment } from '../generated/prisma/client';
import type { SinopacClient } from '../sinopac/client';
import { SinopacBusinessError, SinopacProtocolError, SinopacTransportError } from '../sinopac/errors';
import type { OrderQueryEntry } from '../sinopac/messages';
import { recordRefusedChange } from './payment-transition';
import type { BankOutcome } from './settle';

export interface BankCheckDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
}

export type BankCheck =
  /** The bank's PayStatus, and what it means for the attempt (undefined: still waiting for the payer). */
  | { kind: 'status'; payStatus: string; outcome: BankOutcome | undefined }
  /** The bank has no order with this OrderNo: OrderCreate never reached it. */
  | { kind: 'not_at_bank' }
  /** The bank's order disagrees with the attempt (amount, pay type, TSNo); recorded, not to be acted on. */
  | { kind: 'mismatch'; mismatches: string[] }
  /** No trustworthy answer now; ask again on a later pass. */
  | { kind: 'bank_unavailable' };

// The bank says "no such order" with an empty list (S0001), or with E2601 "no data" (PROTOCOL.md §6).
const NO_DATA_CODE = 'E2601';

export async function checkWithBank(deps: BankCheckDependencies, payment: Payment, askedBy: 'reconcile' | 'expiry'): Promise<BankCheck> {
  const { db, sinopac, clock, logger } = deps;
  const log = logger.child({ paymentId: payment.id, orderNo: payment.orderNo, source: askedBy });

  let entry: OrderQueryEntry | undefined;
  try {
    const answer = await sinopac.orderQuery({ OrderNo: payment.orderNo });
    entry = answer.OrderList.find((listed) => listed.OrderNo === payment.orderNo);
  } catch (error) {
    if (error instanceof SinopacBusinessError && error.code === NO_DATA_CODE) {
      entry = undefined;
    } else if (error instanceof SinopacBusinessError || error instanceof SinopacTransportError || error instanceof SinopacProtocolError) {
      log.warn({ err: error }, 'could not ask the bank about the attempt; the next pass will');
      return { kind: 'bank_unavailable' };
    } else {
      throw error;
    }
  }
  // Each attempt is asked about at most once per reconcile interval, whoever asks.
  await db.payment.update({ where: { id: payment.id }, data: { lastBankCheckAt: clock() } });
  if (!entry) return { kind: 'not_at_bank' };

  const mismatches = entryMismatches(entry, payment);
  const outcome = outcomeOfPayStatus(entry);
  if (mismatches.length > 0) {
    const reason = `mismatch: ${mismatches.join('; ')} (${askedBy})`;
    await recordRefusedChange(db, { paymentId: payment.id, from: payment.status, to: outcome?.kind ?? payment.status, reason });
    log.error({ mismatches, payStatus: entry.PayStatus }, 'the bank’s order disagrees with the attempt: check it by hand');
    return { kind: 'mismatch', mismatches };
  }
  return { kind: 'status', payStatus: entry.PayStatus, outcome };
}
