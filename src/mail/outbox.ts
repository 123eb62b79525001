// The transactional outbox of e-mails. A business change that owes the shopper a mail writes an
// outbox row in its own transaction (enqueueMail), so the mail exists exactly when the change does:
// a rolled-back payment writes none, a committed one cannot lose it. The job queue drains the rows
// (deliver.ts) with a claim and a lease, so a crashed sender's rows are taken up again.
//
// Delivery is AT LEAST ONCE, on purpose: a row is marked sent only after the SMTP server accepted
// the message, so a crash between the two sends it again after its lease. The other side, marking
// first, would lose the mail on such a crash, and a lost ATM account costs the shopper far more
// than a repeat. A repeat is the same message: its Message-ID is made from the row's id
// (messageIdFor), so mail servers and clients that recognise Message-IDs show it once.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { listenToChannel, type ChannelListener } from '../db/channel-listener';
import type { Database } from '../db/prisma';
import { Prisma, type MailKind, type MailOutbox } from '../generated/prisma/client';

type Tx = Prisma.TransactionClient;

/**
 * Wakes the drain as soon as the writing transaction commits (listenForOutbox). Only for a mail due
 * at once: a held one (a card order's confirmation) is sent by the first scheduled pass after it
 * falls due, and waking the drain for it would be a pass that finds nothing.
 */
const OUTBOX_CHANNEL = 'mail_outbox';

export interface EnqueueMail {
  orderId: string;
  kind: MailKind;
  /** The attempt the mail describes (its ATM account, or the payment received). */
  paymentId?: string;
  /** The refund a payment_refunded mail tells of: one mail per refund. */
  refundId?: string;
  /** Not due until this many minutes after the commit: a card order's confirmation (docs/mail.md). */
  holdMinutes?: number;
}

/**
 * Writes the mail's outbox row inside the caller's transaction; a second call for the same order
 * and kind (for atm_account_reissued: the same attempt; for payment_refunded: the same refund) does
 * nothing (the partial unique indexes of migrations mail_per_atm_account and mail_per_refund), so each mail is owed once however often the change that owes it
 * is replayed. Returns whether a row was written.
 */
export async function enqueueMail(tx: Tx, mail: EnqueueMail): Promise<boolean> {
  // One statement for the row and its wake-up: the notification is raised only when a row due at
  // once was written, and PostgreSQL delivers it only if and when this transaction commits. The
  // timestamps are UTC wall time, as Prisma writes its timestamp columns.
  const written = await tx.$queryRaw<unknown[]>`
    WITH written AS (
      INSERT INTO "MailOutbox" ("id", "orderId", "kind", "paymentId", "refundId", "nextAttemptAt", "createdAt")
      VALUES (${randomUUID()}, ${mail.orderId}, ${mail.kind}::"MailKind", ${mail.paymentId ?? null}, ${mail.refundId ?? null},
        now() AT TIME ZONE 'UTC' + make_interval(mins => ${mail.holdMinutes ?? 0}::int), now() AT TIME ZONE 'UTC')
      ON CONFLICT DO NOTHING
      RETURNING "id"
    )
    SELECT CASE WHEN ${mail.holdMinutes ?? 0}::int = 0 THEN pg_notify(${OUTBOX_CHANNEL}, '')::text END AS "notified" FROM written`;
  return written.length > 0;
}

/**
 * enqueueMail's row as one part of a caller's own statement, for the hot paths that write a change
 * and the mail it owes in a single round trip: the CTE `name`, inserting a mail of `kind` for each
 * row of `from` (a CTE of the statement, with a WHERE if need be, whose rows have "orderId" and
 * "paymentId"), due `holdMinutes` after the commit, and returning the ids written and whether each
 * is due at once. The same unique indexes make a replay write nothing; the statement raises the
 * wake-up (mailWakeUp) for what it wrote.
 */
export function mailRows(name: string, kind: MailKind, from: Prisma.Sql, holdMinutes: Prisma.Sql = Prisma.sql`0`): Prisma.Sql {
  return Prisma.sql`${Prisma.raw(`"${name}"`)} AS (
      INSERT INTO "MailOutbox" ("id", "orderId", "kind", "paymentId", "nextAttemptAt", "createdAt")
      SELECT gen_random_uuid()::text, "orderId", ${kind}::"MailKind", "paymentId",
        now() AT TIME ZONE 'UTC' + make_interval(mins => (${holdMinutes})::int), now() AT TIME ZONE 'UTC'
      FROM ${from}
      ON CONFLICT DO NOTHING
      RETURNING "id", "nextAttemptAt" <= "createdAt" AS "due"
    )`;
}

/** The wake-up for the rows of mailRows CTEs named `names`: one notification, raised only if one due at once was written. */
export function mailWakeUp(names: readonly string[]): Prisma.Sql {
  const written = Prisma.raw(names.map((name) => `SELECT "id" FROM "${name}" WHERE "due"`).join(' UNION ALL '));
  return Prisma.sql`(SELECT count(*) FROM (SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (${written}) AS mail LIMIT 1) AS woken)`;
}

export interface ClaimSettings {
  /** How long a sender holds a claimed row; far longer than one SMTP exchange may take (sender.ts). */
  leaseMs: number;
  batchSize: number;
}

export type ClaimedMail = MailOutbox & { claimToken: string };

/**
 * Takes up to batchSize due rows for this sender until now + leaseMs: unsent, not given up, due,
 * and not held by a live lease. SKIP LOCKED lets several drains (instances) take disjoint rows.
 */
export async function claimDueMail(db: Database, now: Date, settings: ClaimSettings): Promise<ClaimedMail[]> {
  const token = randomUUID();
  const until = new Date(now.getTime() + settings.leaseMs);
  return db.$queryRaw<ClaimedMail[]>`
    UPDATE "MailOutbox" SET "claimedUntil" = ${until}, "claimToken" = ${token}, "attempts" = "attempts" + 1
    WHERE id IN (
      SELECT id FROM "MailOutbox"
      WHERE "sentAt" IS NULL AND "gaveUpAt" IS NULL AND "skippedAt" IS NULL AND "nextAttemptAt" <= ${now}
        AND ("claimedUntil" IS NULL OR "claimedUntil" <= ${now})
      ORDER BY "nextAttemptAt"
      LIMIT ${settings.batchSize}
      FOR UPDATE SKIP LOCKED)
    RETURNING *`;
}

/** Whether this sender still holds the row and it is unsent: checked right before sending. */
export async function stillClaimed(db: Database, mail: ClaimedMail): Promise<boolean> {
  const held = await db.mailOutbox.count({ where: { id: mail.id, claimToken: mail.claimToken, sentAt: null, gaveUpAt: null, skippedAt: null } });
  return held === 1;
}

/**
 * The server accepted the message. Marked whoever holds the row now: it went out, and a sender
 * whose lease ran out must not make another send it again.
 */
export async function markSent(db: Database, mail: ClaimedMail, now: Date): Promise<void> {
  await db.mailOutbox.updateMany({
    where: { id: mail.id, sentAt: null },
    data: { sentAt: now, claimedUntil: null, claimToken: null, lastError: null },
  });
}

/** The mail is no longer owed (mail-content.ts, mailNoLongerOwed): never sent, never claimed again. */
export async function markSkipped(db: Database, mail: ClaimedMail, outcome: { reason: string; now: Date }): Promise<boolean> {
  const { count } = await db.mailOutbox.updateMany({
    where: { id: mail.id, claimToken: mail.claimToken, sentAt: null },
    data: { skippedAt: outcome.now, claimedUntil: null, claimToken: null, lastError: outcome.reason },
  });
  return count === 1;
}

/** Gives the row back for another try at `retryAt`, or gives it up; only while this sender holds it. */
export async function markFailed(db: Database, mail: ClaimedMail, outcome: { error: string; retryAt?: Date; now: Date }): Promise<void> {
  await db.mailOutbox.updateMany({
    where: { id: mail.id, claimToken: mail.claimToken, sentAt: null },
    data: {
      claimedUntil: null,
      claimToken: null,
      lastError: outcome.error.slice(0, 500),
      ...(outcome.retryAt ? { nextAttemptAt: outcome.retryAt } : { gaveUpAt: outcome.now }),
    },
  });
}

/** The same for every send of one row, whichever sender and however often; the From address's domain on the right. */
export function messageIdFor(mail: { id: string }, from: string): string {
  const domain = /@([^\s>@]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${mail.id}@${domain}>`;
}

/**
 * Mails go out within moments of the change that owes them, not at the next scheduled pass: every
 * instance listens for the commit's notification and kicks the drain job (the queue runs one pass
 * at a time and folds kicks together). While the listener is down, the scheduled passes still
 * drain everything.
 */
export function listenForOutbox(options: { databaseUrl: string; logger: Logger; onWake: () => void }): Promise<ChannelListener> {
  return listenToChannel({
    databaseUrl: options.databaseUrl,
    channel: OUTBOX_CHANNEL,
    logger: options.logger,
    onNotification: options.onWake,
    // Rows written while no one listened are waiting too.
    onListening: options.onWake,
  });
}
