// Runs once per `npm test`: a database server (the embedded one unless DATABASE_URL names one),
// and a migrated template database that every test file copies, so no test sees another's data
// or a developer's own database.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres';
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from '../../src/db/databases';
import { applyMigrations } from '../../src/db/migrate';
import { freePort } from '../../scripts/free-port';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServerUrl: string;
    templateDatabase: string;
  }
}

export default async function setup(project: TestProject) {
  let embedded: RunningPostgres | undefined;
  let serverUrl = process.env.DATABASE_URL;
  const dataDir = `.data/test-postgres-${process.pid}`;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true });
    serverUrl = embedded.urlFor('postgres');
  }
  const template = `fengshou_test_template_${process.pid}`;
  await createDatabaseIfMissing(serverUrl, template);
  await applyMigrations(databaseUrl(serverUrl, template));
  project.provide('databaseServerUrl', serverUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await dropDatabase(serverUrl, template);
    if (embedded) {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
