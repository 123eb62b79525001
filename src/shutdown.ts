// Stopping without losing work: the HTTP server stops taking connections and lets the requests in
// flight finish, then everything behind it closes in the order given (the job queue before the
// bank and the database its jobs use, the database last).
import type { Server } from 'node:http';
import type { Logger } from 'pino';

export interface Closer {
  /** For the log, should closing it fail. */
  name: string;
  close: () => Promise<unknown> | void;
}

export interface ShutdownOptions {
  logger: Logger;
  /** How long requests in flight may take to finish before their connections are cut. */
  drainTimeoutMs?: number;
}

// A keep-alive connection only becomes idle when its last response is sent, and server.close()
// only closes the connections idle at that moment: the rest are closed as they become idle.
const IDLE_SWEEP_MS = 50;

/** Resolves true when every closer closed; a closer that fails is logged and the next still runs. */
export async function gracefulShutdown(server: Server, closers: readonly Closer[], options: ShutdownOptions): Promise<boolean> {
  const { logger, drainTimeoutMs = 10_000 } = options;
  await drain(server, drainTimeoutMs, logger);
  let clean = true;
  for (const closer of closers) {
    try {
      await closer.close();
    } catch (error) {
      clean = false;
      logger.error({ err: error, closer: closer.name }, 'could not close during shutdown');
    }
  }
  return clean;
}

function drain(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => {
      logger.warn({ timeoutMs }, 'requests still in flight at the shutdown deadline: closing their connections');
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
