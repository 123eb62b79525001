// The payment jobs every instance of the shop schedules: the reconciler and the ATM expiry, each a
// pass over what is due, run on the shared job queue (job-queue.ts).
import type { BankCheckDependencies } from '../payments/bank-check';
import { expireOverdueAtmPayments, type AtmExpirySettings } from './expire-atm';
import type { ScheduledJob } from './job-queue';
import { reconcilePendingPayments, type ReconcileSettings } from './reconcile-pending';

export function paymentJobs(deps: BankCheckDependencies, settings: ReconcileSettings & AtmExpirySettings): ScheduledJob[] {
  return [
    { name: 'reconcile-pending', run: () => reconcilePendingPayments(deps, settings) },
    { name: 'expire-atm', run: () => expireOverdueAtmPayments(deps, settings) },
  ];
}
