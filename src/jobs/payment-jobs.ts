// The payment jobs every instance of the shop schedules, each a pass over what is due, run on the
// shared job queue (job-queue.ts): the reconciler, the ATM expiry, the re-check of refunds whose
// outcome is unknown, and the release of stock no attempt holds any more.
import type { BankCheckDependencies } from '../payments/bank-check';
import { expireOverdueAtmPayments, type AtmExpirySettings } from './expire-atm';
import type { ScheduledJob } from './job-queue';
import { recheckUnknownRefunds } from './recheck-refunds';
import { reconcilePendingPayments, type ReconcileSettings } from './reconcile-pending';
import { releaseStaleStockHolds, type StockHoldSettings } from './release-stock-holds';

export type PaymentJobSettings = ReconcileSettings & AtmExpirySettings & StockHoldSettings;

export function paymentJobs(deps: BankCheckDependencies, settings: PaymentJobSettings): ScheduledJob[] {
  return [
    { name: 'reconcile-pending', run: () => reconcilePendingPayments(deps, settings) },
    { name: 'expire-atm', run: () => expireOverdueAtmPayments(deps, settings) },
    { name: 'recheck-refunds', run: () => recheckUnknownRefunds(deps, settings) },
    { name: 'release-stock-holds', run: () => releaseStaleStockHolds(deps, settings) },
  ];
}
