// The e-invoice job every instance of the shop schedules on the shared job queue: one pass over the
// due invoice steps (src/einvoice/invoice-steps.ts) per slot, and one more whenever a commit wrote a
// step (listenForInvoiceSteps in src/einvoice/invoice-queue.ts) or a retry was due sooner.
import { runDueInvoiceSteps, type EinvoiceDependencies, type StepSettings } from '../einvoice/invoice-steps';
import type { ScheduledJob } from './job-queue';

export const EINVOICE_JOB = 'einvoice';

export function einvoiceJob(deps: EinvoiceDependencies, settings?: StepSettings): ScheduledJob {
  return { name: EINVOICE_JOB, kickable: true, run: () => runDueInvoiceSteps(deps, settings) };
}
