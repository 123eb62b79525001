// One connection of its own that LISTENs on a PostgreSQL channel, for the notifications the shop
// raises in its transactions (delivered only when they commit). A lost connection is reopened
// every few seconds; the caller hears of the gap, since whatever was sent meanwhile went unheard.
import type { Logger } from 'pino';
import pg from 'pg';

const RECONNECT_DELAY_MS = 5_000;

export interface ChannelListenerOptions {
  databaseUrl: string;
  channel: string;
  logger: Logger;
  /** `payload`: what the notification carries, '' for nothing. */
  onNotification(payload: string): void;
  /** Listening, at start or again after a gap: notifications sent while no one listened are lost. */
  onListening(): void;
  /** The connection is gone; notifications go unheard until onListening. */
  onLost?(): void;
}

export interface ChannelListener {
  close(): Promise<void>;
}

export async function listenToChannel(options: ChannelListenerOptions): Promise<ChannelListener> {
  const { channel, logger } = options;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.databaseUrl });
    next.on('notification', (message) => {
      if (message.channel === channel) options.onNotification(message.payload ?? '');
    });
    next.on('error', (error) => {
      options.onLost?.();
      logger.warn({ err: error, channel }, 'database listener lost its connection; reconnecting');
      next.end().catch(() => undefined);
      scheduleReconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${channel}`);
    client = next;
    options.onListening();
  }

  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error: unknown) => {
        logger.warn({ err: error, channel }, 'database listener could not reconnect');
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
