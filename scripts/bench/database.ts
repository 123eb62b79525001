// A throwaway PostgreSQL for one bench run: its own data directory and a free loopback port,
// migrated like the shop's own database, deleted when the run ends. A second database on the same
// server, copied from the migrated one, is the bare callback endpoint's: its rows and its
// notifications stay apart from the shop's (whose outbox and jobs would otherwise act on them).
// A third, also copied from the migrated one, is the large catalogue's (catalogue-size.ts), and a
// fourth the year of orders' (scale.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDatabaseFromTemplate, createDatabaseIfMissing, databaseUrl } from '../../src/db/databases';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort } from '../free-port';
import { applyMigrations } from '../../src/db/migrate';
import { processTreeCpuMs } from './cpu';

const DATABASE = 'fengshou';
const BARE_DATABASE = 'fengshou_bare';
const LARGE_DATABASE = 'fengshou_large';
const SCALE_DATABASE = 'fengshou_scale';

export interface BenchDatabase {
  url: string;
  /** The bare callback endpoint's database: the same schema, on the same server. */
  bareUrl: string;
  /** The large catalogue's database: the same schema, still empty. */
  largeUrl: string;
  /** The year of orders' database (scale.ts): the same schema, still empty. */
  scaleUrl: string;
  /** CPU time of the server and all its backends so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

export async function startBenchDatabase(dataDir: string, log: (line: string) => void): Promise<BenchDatabase> {
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true, log });
  try {
    await createDatabaseIfMissing(server.urlFor('postgres'), DATABASE);
    const url = databaseUrl(server.urlFor('postgres'), DATABASE);
    log('Applying migrations ...');
    await applyMigrations(url);
    await createDatabaseFromTemplate(server.urlFor('postgres'), BARE_DATABASE, DATABASE);
    await createDatabaseFromTemplate(server.urlFor('postgres'), LARGE_DATABASE, DATABASE);
    await createDatabaseFromTemplate(server.urlFor('postgres'), SCALE_DATABASE, DATABASE);
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return {
      url,
      bareUrl: databaseUrl(server.urlFor('postgres'), BARE_DATABASE),
      largeUrl: databaseUrl(server.urlFor('postgres'), LARGE_DATABASE),
      scaleUrl: databaseUrl(server.urlFor('postgres'), SCALE_DATABASE),
      cpuMs: () => processTreeCpuMs(postmaster),
      stop: () => server.stop(),
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
