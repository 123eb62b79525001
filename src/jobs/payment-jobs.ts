// The payment jobs every instance of the shop schedules, each a pass over what is due, run on the
// shared job queue (job-queue.ts): the bank check, the ATM expiry, the re-check of refunds whose
// outcome is unknown, and the release of stock no attempt holds any more.
import type { BankCheckDependencies } from '../payments/bank-check';
import { bankPace, drainPasses, type PaceClock } from './bank-pace';
import { expireOverdueAtmPayments, type AtmExpirySettings } from './expire-atm';
import type { ScheduledJob } from './job-queue';
import { recheckUnknownRefunds } from './recheck-refunds';
import { ATTEMPTS_PER_PASS } from './pass-report';
import { checkUndecidedAttempts, type BankCheckSettings } from './bank-check-job';
import { releaseStaleStockHolds, type StockHoldSettings } from './release-stock-holds';

export type PaymentJobSettings = BankCheckSettings & AtmExpirySettings & StockHoldSettings & {
  /** SINOPAC_MAX_QUERIES_PER_SECOND: the bank check and the ATM expiry together, in this process. */
  maxBankQueriesPerSecond: number;
};

/** Passes one run of a job may make: 10,000 attempts, far more than a healthy shop ever has waiting. */
const MAX_PASSES_PER_RUN = 200;

export function paymentJobs(deps: BankCheckDependencies, settings: PaymentJobSettings, paceClock?: PaceClock): ScheduledJob[] {
  const pace = bankPace(settings.maxBankQueriesPerSecond, paceClock);
  const drain = <T>(pass: () => Promise<T[]>) => drainPasses(pass, ATTEMPTS_PER_PASS, MAX_PASSES_PER_RUN);
  return [
    // pg-boss stores the queue's name with every job and schedule of a running shop, so it stays as it is.
    { name: 'bank-check', run: () => drain(() => checkUndecidedAttempts(deps, settings, pace)) },
    { name: 'expire-atm', run: () => drain(() => expireOverdueAtmPayments(deps, settings, pace)) },
    { name: 'recheck-refunds', run: () => recheckUnknownRefunds(deps, settings) },
    { name: 'release-stock-holds', run: () => releaseStaleStockHolds(deps, settings) },
  ];
}
