// Prisma 6's Migrate insists that the datasource block names a `url`; Prisma 7, whose client the
// shop runs, refuses one there (the client gets its connection from the adapter). So Migrate reads
// a copy of schema.prisma with the url added and its own generator, which keeps a Prisma 6 command
// that generates (migrate dev, db push) from writing a Prisma 6 client over the Prisma 7 one.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const schemaPath = fileURLToPath(new URL('schema.prisma', import.meta.url));
export const migrateSchemaPath = fileURLToPath(new URL('../node_modules/.cache/prisma6/schema.prisma', import.meta.url));

const GENERATOR_BLOCK = /^generator\s+\w+\s*\{[^}]*\}/gm;
const DATASOURCE_OPENING = /^datasource\s+\w+\s*\{/m;
// engineType "client" also keeps the Prisma 6 CLI from downloading a query engine.
const MIGRATE_GENERATOR = `generator client {
  provider   = "prisma-client"
  engineType = "client"
  output     = "client"
}`;

export function writeMigrateSchema(): void {
  const schema = readFileSync(schemaPath, 'utf8');
  if (!DATASOURCE_OPENING.test(schema)) throw new Error(`${schemaPath} has no datasource block`);
  const copy = schema
    .replace(GENERATOR_BLOCK, '')
    .replace(DATASOURCE_OPENING, (opening) => `${MIGRATE_GENERATOR}\n\n${opening}\n  url = env("DATABASE_URL")`);
  mkdirSync(dirname(migrateSchemaPath), { recursive: true });
  // Written whole and renamed into place: test workers may run Migrate at the same moment.
  const partial = `${migrateSchemaPath}.${process.pid}`;
  writeFileSync(partial, copy);
  renameSync(partial, migrateSchemaPath);
}
