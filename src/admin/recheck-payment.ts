// "Re-check with bank": ask OrderQuery what happened to one attempt and settle what it says through
// the same settlePayment the bank's callbacks use, e.g. for a payment whose notifications were all
// lost. The bank's answer is checked against the attempt first; a disagreement is recorded, not applied.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Payment } from '../generated/prisma/client';
import { recordRefusedChange } from '../payments/payment-transition';
import { settlePayment, type SettleResult } from '../payments/settle';
import type { SinopacClient } from '../sinopac/client';
import { SinopacBusinessError, SinopacProtocolError, SinopacTransportError } from '../sinopac/errors';
import type { OrderQueryEntry } from '../sinopac/messages';
import { entryMismatches, outcomeOfPayStatus } from './bank-pay-status';

export interface RecheckDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
}

export type RecheckResult =
  | { kind: 'settled'; payStatus: string; settled: SettleResult }
  /** The bank's status has nothing to apply: still waiting for the payer, or already reflected. */
  | { kind: 'nothing_new'; payStatus: string }
  | { kind: 'not_at_bank' }
  | { kind: 'mismatch'; payStatus: string; mismatches: string[] }
  | { kind: 'bank_refused'; code: string | undefined }
  | { kind: 'bank_unavailable' };

/** Undefined when there is no such attempt. */
export async function recheckPayment(
  deps: RecheckDependencies,
  paymentId: string,
): Promise<{ orderId: string; result: RecheckResult } | undefined> {
  const { db } = deps;
  const payment = await db.payment.findUnique({ where: { id: paymentId } });
  if (!payment) return undefined;
  return { orderId: payment.orderId, result: await recheck(deps, payment) };
}

async function recheck(deps: RecheckDependencies, payment: Payment): Promise<RecheckResult> {
  const { db, sinopac, logger } = deps;
  const paymentId = payment.id;
  const log = logger.child({ paymentId, orderNo: payment.orderNo, source: 'admin' });

  let entry: OrderQueryEntry | undefined;
  try {
    const answer = await sinopac.orderQuery({ OrderNo: payment.orderNo });
    entry = answer.OrderList.find((listed) => listed.OrderNo === payment.orderNo);
  } catch (error) {
    if (error instanceof SinopacBusinessError) {
      log.warn({ err: error }, 're-check refused by the bank');
      return { kind: 'bank_refused', code: error.code };
    }
    if (error instanceof SinopacTransportError || error instanceof SinopacProtocolError) {
      log.warn({ err: error }, 're-check got no usable answer');
      return { kind: 'bank_unavailable' };
    }
    throw error;
  }
  if (!entry) return { kind: 'not_at_bank' };

  const payStatus = entry.PayStatus;
  const outcome = outcomeOfPayStatus(entry);
  const mismatches = entryMismatches(entry, payment);
  if (mismatches.length > 0) {
    const reason = `mismatch: ${mismatches.join('; ')} (admin re-check)`;
    await recordRefusedChange(db, { paymentId, from: payment.status, to: outcome?.kind ?? payment.status, reason });
    log.warn({ mismatches }, 're-check answer does not match the attempt');
    return { kind: 'mismatch', payStatus, mismatches };
  }
  // A refund leaves PayStatus where it was (and a cancelled authorisation is kept as a refund),
  // so for a refunded attempt the bank's status says nothing the shop does not know.
  if (!outcome || payment.status === 'refunded') return { kind: 'nothing_new', payStatus };

  const settled = await settlePayment(deps, { paymentId, outcome, source: 'admin' });
  return { kind: 'settled', payStatus, settled };
}
