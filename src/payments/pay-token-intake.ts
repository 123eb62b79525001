// What both bank callbacks do with a PayToken (docs/sinopac-protocol.md §5): keep it, ask the bank what it
// stands for, check that the answer is about the attempt it names, and settle. The callbacks carry
// no trusted data; only the bank's signed OrderPayQuery answer can move money state.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { PayTokenSource } from '../generated/prisma/client';
import type { SinopacClient } from '../sinopac/client';
import { askPayResult, type PayResultAtBank } from '../sinopac/shop-bank';
import { recordRefusedChange } from './payment-states';
import { applyBankResult } from './apply-result';
import { attemptByOrderNo, logDelivery, recordDeliveryOutcome } from './payment-sql';

export interface PayTokenDelivery {
  source: Extract<PayTokenSource, 'backend' | 'return'>;
  shopNo: string;
  payToken: string;
  /** The request body exactly as received, for the PayToken log. */
  rawBody: string;
  /**
   * Asked right before the bank is: false when the budget for lookups of tokens that may be forged
   * is spent (web/callback-screening.ts). The delivery stays logged, as unavailable.
   */
  mayAskBank?: () => Promise<boolean>;
}

/**
 * Stored as PayToken.outcome. All of them are final: the same delivery again would end the same way.
 * - applied: this delivery moved the attempt; already_applied: the attempt already was there.
 * - refused: the state machine does not allow it (e.g. "failed" for a paid attempt); recorded.
 * - mismatch: the bank's result names another shop, order, amount or pay type; recorded, not applied.
 * - unsupported: a result that is not a payment (recurring billing); recorded, not applied.
 * - unknown: the bank does not know the token, or it names an order we do not have.
 * - foreign_shop: the delivery names another shop; the bank is not asked.
 */
export type IntakeOutcome = 'applied' | 'already_applied' | 'refused' | 'mismatch' | 'unsupported' | 'unknown' | 'foreign_shop';

export interface IntakeResult {
  outcome: IntakeOutcome;
  /** The shop order the token turned out to be about, when it could be tied to one. */
  orderId?: string;
}

/** An intake's result with the attempt the token was tied to, for the copies waiting on it. */
type Outcome = IntakeResult & { paymentId?: string };

export type UnavailableReason = 'bank_unreachable' | 'bank_busy' | 'untrusted_answer' | 'lookup_budget_spent';

/** The bank's result could not be learned now; asking again later may work. The delivery stays logged. */
export class PayResultUnavailableError extends Error {
  override name = 'PayResultUnavailableError';
  constructor(readonly reason: UnavailableReason, options?: ErrorOptions) {
    super(`pay result unavailable: ${reason}`, options);
  }
}

/**
 * The deliveries of each PayToken this process is handling now or finished moments ago, by token.
 * One per intake (the callback routes create it), so that copies of a delivery arriving together
 * wait for the first and take its outcome.
 */
export type PayTokensInFlight = Map<string, Promise<Outcome>>;

export interface PayTokenIntakeDependencies {
  db: Database;
  sinopac: SinopacClient;
  clock: () => Date;
  logger: Logger;
  inFlight: PayTokensInFlight;
}

export async function receivePayToken(deps: PayTokenIntakeDependencies, delivery: PayTokenDelivery): Promise<IntakeResult> {
  const { db, sinopac, logger } = deps;
  // Logged before anything else, so that no delivery is lost whatever happens next.
  const logged = await logDelivery(db, delivery, sinopac.shopNo);
  if (logged.outcome === 'foreign_shop') {
    logger.warn({ source: delivery.source, payToken: delivery.payToken, shopNo: delivery.shopNo }, 'PayToken delivery for another shop');
    return { outcome: 'foreign_shop' };
  }
  if (logged.outcome !== null) return { outcome: logged.outcome, ...(logged.payment && { orderId: logged.payment.orderId }) };
  const { rowId } = logged;

  // The bank sends each notification up to five times, often at once. A copy that arrives while an
  // earlier one of the same token is in this process waits for it, and takes its applied attempt
  // instead of asking the bank again. Only a saving: two processes, or a copy arriving after the
  // wait, still meet at the row lock and unique indexes in settle. Copies wait for the first
  // delivery only, not for each other, so a hanging bank delays a copy by one bank timeout at most.
  const first = deps.inFlight.get(delivery.payToken);
  const handling = (async (): Promise<Outcome> => {
    const earlier = first && (await first.catch(() => undefined));
    if (earlier?.paymentId !== undefined && (earlier.outcome === 'applied' || earlier.outcome === 'already_applied')) {
      return recordOutcome(db, rowId, { outcome: 'already_applied', paymentId: earlier.paymentId, orderId: earlier.orderId });
    }
    return askAndSettle(deps, delivery, rowId);
  })();
  if (!first) deps.inFlight.set(delivery.payToken, handling);
  try {
    const { paymentId: _paymentId, ...result } = await handling;
    return result;
  } finally {
    if (deps.inFlight.get(delivery.payToken) === handling) rememberFinished(deps.inFlight, delivery.payToken, handling);
  }
}

/** How long a finished delivery stays in PayTokensInFlight, and for at most how many tokens. */
const REMEMBERED_MS = 10_000;
const MAX_REMEMBERED = 10_000;

// A finished delivery stays a little while: a copy whose row was written while it ran, and which
// looks only once it is over, still finds its outcome here instead of asking the bank again.
function rememberFinished(inFlight: PayTokensInFlight, payToken: string, handling: Promise<Outcome>): void {
  const forget = () => {
    if (inFlight.get(payToken) === handling) inFlight.delete(payToken);
  };
  if (inFlight.size > MAX_REMEMBERED) return forget();
  setTimeout(forget, REMEMBERED_MS).unref();
}

async function askAndSettle(deps: PayTokenIntakeDependencies, delivery: PayTokenDelivery, rowId: number): Promise<Outcome> {
  const { db, sinopac, logger } = deps;
  const log = logger.child({ source: delivery.source, payToken: delivery.payToken });
  const finish = (result: Outcome) => recordOutcome(db, rowId, result);

  if (delivery.mayAskBank && !(await delivery.mayAskBank())) {
    await recordDeliveryOutcome(db, rowId, 'unavailable:lookup_budget_spent');
    log.warn('the budget for looking up PayTokens that may be forged is spent: not asking the bank');
    throw new PayResultUnavailableError('lookup_budget_spent');
  }
  let result: PayResultAtBank;
  try {
    result = await askPayResult(sinopac, delivery.payToken);
  } catch (error) {
    // Not the bank's failure but a defect: the delivery records that it was not decided.
    await recordDeliveryOutcome(db, rowId, 'unavailable:error');
    throw error;
  }
  if (result.kind === 'unknown_token') {
    log.warn({ err: result.cause }, 'the bank does not know this PayToken');
    return finish({ outcome: 'unknown' });
  }
  if (result.kind === 'unavailable') {
    await recordDeliveryOutcome(db, rowId, `unavailable:${result.because}`);
    log.warn({ err: result.cause, reason: result.because }, 'could not learn the pay result; the bank will retry');
    throw new PayResultUnavailableError(result.because, { cause: result.cause });
  }

  const payment = await attemptByOrderNo(db, result.orderNo);
  if (!payment) {
    log.error({ orderNo: result.orderNo }, 'PayToken pays an OrderNo we never created');
    return finish({ outcome: 'unknown' });
  }
  const attempt = { paymentId: payment.id, orderId: payment.orderId };

  const mismatches = result.mismatchesWith(payment);
  const { outcome } = result;
  if (mismatches.length > 0 || outcome === undefined) {
    const reason = mismatches.length > 0 ? `mismatch: ${mismatches.join('; ')}` : result.notAPayment;
    await recordRefusedChange(db, {
      paymentId: payment.id,
      from: payment.status,
      to: result.says,
      reason: `${reason} (${delivery.source})`,
      payToken: delivery.payToken,
    });
    log.warn({ ...attempt, reason }, 'pay result not applied');
    return finish({ outcome: mismatches.length > 0 ? 'mismatch' : 'unsupported', ...attempt });
  }

  // An applied delivery's row is marked inside settle's own transaction, so that the unique index on
  // applied tokens can still roll the change back; finish() records the outcome as for any other.
  const applied = await applyBankResult(deps, {
    paymentId: payment.id,
    outcome,
    source: delivery.source,
    payToken: delivery.payToken,
    payTokenRowId: rowId,
  });
  // applyBankResult marked the row applied, with its payment, in its own transaction: nothing left to write.
  if (applied.kind === 'applied') return { outcome: 'applied', ...attempt };
  return finish({ outcome: applied.kind, ...attempt });
}

async function recordOutcome(db: Database, rowId: number, result: Outcome): Promise<Outcome> {
  await recordDeliveryOutcome(db, rowId, result.outcome, result.paymentId);
  return result;
}
