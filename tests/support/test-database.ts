// A fresh copy of the migrated template database for one test file.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createDatabaseFromTemplate, databaseUrl, dropDatabase } from '../../src/db/databases';
import { createDatabase, type Database } from '../../src/db/prisma';

export interface TestDatabase {
  url: string;
  db: Database;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = inject('databaseServerUrl');
  // Only the integration project's global set-up starts a database server (vitest.config.mts).
  if (!server) throw new Error('this test needs the database: it belongs in the integration project, not the unit one');
  const name = `fengshou_test_${randomBytes(6).toString('hex')}`;
  await createDatabaseFromTemplate(server, name, inject('templateDatabase'));
  const url = databaseUrl(server, name);
  const db = createDatabase(url);
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await dropDatabase(server, name);
    },
  };
}
