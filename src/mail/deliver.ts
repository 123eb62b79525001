// Draining the outbox: the job queue's "mail-outbox" job (mailJobs below) runs one pass, which
// claims due rows, sends each and marks it sent, until none are due. See outbox.ts for why this
// is at least once and how a repeat stays recognisable.
//
// A crash anywhere leaves a row either unsent-and-claimed, which the next pass after its lease
// takes up again, or sent-and-marked. A failed send comes back after a growing pause; a permanent
// refusal, or MAX_ATTEMPTS failures, gives the row up and logs an error for someone to look at.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { ScheduledJob } from '../jobs/job-queue';
import { composeMail, mailNoLongerOwed, type MailContentDependencies } from './mail-content';
import { claimDueMail, markFailed, markSent, markSkipped, messageIdFor, stillClaimed, type ClaimedMail } from './outbox';
import { describeSendFailure, isPermanentRefusal, type MailSender } from './sender';
import type { MailRenderer } from './templates';

export interface MailDeliveryDependencies extends MailContentDependencies {
  db: Database;
  sender: MailSender;
  render: MailRenderer;
  clock: () => Date;
  logger: Logger;
  /** The From address, e.g. "豐收商店 <no-reply@shop.example>". */
  from: string;
}

export interface MailDeliverySettings {
  leaseMs: number;
  batchSize: number;
  /** The first retry's pause; each next one doubles, up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  maxAttempts: number;
}

// The lease is ten times the longest an SMTP exchange may hang (sender.ts): only a dead or stuck
// sender loses its rows. Retries wait 1, 2, 4 … minutes, at most 6 hours: 12 tries over about 20
// hours, long enough to ride out a mail server's bad day.
export const DEFAULT_DELIVERY: MailDeliverySettings = {
  leaseMs: 5 * 60_000,
  batchSize: 20,
  retryDelayMs: 60_000,
  maxRetryDelayMs: 6 * 3600_000,
  maxAttempts: 12,
};

export interface DrainReport {
  sent: number;
  retrying: number;
  gaveUp: number;
  /** Claimed, but taken over by another sender before it was sent. */
  skipped: number;
  /** No longer owed when it came due (mail-content.ts): marked, not sent. */
  notOwed: number;
}

/** One pass: every due row, batch by batch; rows that fail wait for a later pass. */
export const MAIL_OUTBOX_JOB = 'mail-outbox';

// The mail job every instance of the shop schedules on the shared job queue: one drain of the
// outbox per slot, and one more whenever a committed change kicks it (listenForOutbox in outbox.ts).
export function mailJobs(deps: MailDeliveryDependencies, settings?: MailDeliverySettings): ScheduledJob[] {
  return [{ name: MAIL_OUTBOX_JOB, kickable: true, run: () => drainMailOutbox(deps, settings) }];
}

export async function drainMailOutbox(deps: MailDeliveryDependencies, settings: MailDeliverySettings = DEFAULT_DELIVERY): Promise<DrainReport> {
  const report: DrainReport = { sent: 0, retrying: 0, gaveUp: 0, skipped: 0, notOwed: 0 };
  for (;;) {
    const batch = await claimDueMail(deps.db, deps.clock(), settings);
    for (const mail of batch) report[await deliverClaimed(deps, settings, mail)]++;
    if (batch.length < settings.batchSize) break;
  }
  if (Object.values(report).some((count) => count > 0)) deps.logger.info(report, 'mail outbox drained');
  return report;
}

/** Sends one claimed row, unless another sender has taken it over or sent it meanwhile. */
export async function deliverClaimed(deps: MailDeliveryDependencies, settings: MailDeliverySettings, mail: ClaimedMail): Promise<keyof DrainReport | 'skipped'> {
  const log = deps.logger.child({ mailId: mail.id, orderId: mail.orderId, kind: mail.kind, attempt: mail.attempts });
  try {
    const notOwed = await mailNoLongerOwed(deps.db, mail);
    if (notOwed !== undefined) {
      if (!(await markSkipped(deps.db, mail, { reason: notOwed, now: deps.clock() }))) return 'skipped';
      log.info({ reason: notOwed }, 'mail no longer owed: not sent');
      return 'notOwed';
    }
    const { to, view } = await composeMail(deps, mail);
    const content = deps.render(mail.kind, view);
    // Our lease may have run out while we were slow; whoever holds the row now sends it.
    if (!(await stillClaimed(deps.db, mail))) {
      log.warn('mail claim lost before sending: left to its new sender');
      return 'skipped';
    }
    await deps.sender.send({ from: deps.from, to, ...content, messageId: messageIdFor(mail, deps.from) });
  } catch (error) {
    const now = deps.clock();
    const why = describeSendFailure(error);
    const giveUp = isPermanentRefusal(error) || mail.attempts >= settings.maxAttempts;
    const retryAt = giveUp ? undefined : new Date(now.getTime() + retryDelay(settings, mail.attempts));
    await markFailed(deps.db, mail, { error: why, retryAt, now });
    if (giveUp) log.error({ reason: why }, 'mail given up: it will not be sent');
    else log.warn({ reason: why, retryAt }, 'mail not sent; will retry');
    return giveUp ? 'gaveUp' : 'retrying';
  }
  await markSent(deps.db, mail, deps.clock());
  log.info('mail sent');
  return 'sent';
}

function retryDelay(settings: MailDeliverySettings, attempts: number): number {
  return Math.min(settings.retryDelayMs * 2 ** Math.max(0, attempts - 1), settings.maxRetryDelayMs);
}
