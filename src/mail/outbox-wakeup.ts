// Mails go out within moments of the change that owes them, not at the next scheduled pass:
// enqueueMail raises a PostgreSQL notification that is delivered only when its transaction
// commits, on whichever instance wrote it, and every instance listening kicks the drain job
// (the queue runs one pass at a time and folds kicks together). Should the listening connection
// fail, the scheduled passes still drain everything; the listener reconnects meanwhile.
import type { Logger } from 'pino';
import pg from 'pg';
import { OUTBOX_CHANNEL } from './outbox';

const RECONNECT_DELAY_MS = 5_000;

export interface OutboxWakeup {
  close(): Promise<void>;
}

export async function listenForOutbox(options: { databaseUrl: string; logger: Logger; onWake: () => void }): Promise<OutboxWakeup> {
  const { logger } = options;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === OUTBOX_CHANNEL) options.onWake();
    });
    next.on('error', (error) => {
      logger.warn({ err: error }, 'mail outbox listener lost its connection; reconnecting');
      next.end().catch(() => undefined);
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${OUTBOX_CHANNEL}`);
    client = next;
    // Rows written while no one listened are waiting too.
    options.onWake();
  }

  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error: unknown) => {
        logger.warn({ err: error }, 'mail outbox listener could not reconnect');
        scheduleReconnect();
      });
    }, RECONNECT_DELAY_MS);
    retry.unref();
  }

  await connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end();
    },
  };
}
