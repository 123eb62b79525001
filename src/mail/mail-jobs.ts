// The mail job every instance of the shop schedules on the shared job queue: one drain of the
// outbox per slot, and one more whenever a committed change kicks it (listenForOutbox in outbox.ts).
import type { ScheduledJob } from '../jobs/job-queue';
import { drainMailOutbox, type MailDeliveryDependencies, type MailDeliverySettings } from './deliver';

export const MAIL_OUTBOX_JOB = 'mail-outbox';

export function mailJobs(deps: MailDeliveryDependencies, settings?: MailDeliverySettings): ScheduledJob[] {
  return [{ name: MAIL_OUTBOX_JOB, kickable: true, run: () => drainMailOutbox(deps, settings) }];
}
