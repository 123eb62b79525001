// Creates a migration from the change between prisma/migrations and prisma/schema.prisma, applies it
// to the development database and regenerates the client: `npm run db:new-migration -- add_x`.
//
// Why not `prisma migrate dev`: on Prisma 6.19's WebAssembly schema engine (the only one that runs
// without a downloaded binary), `migrate dev` fails as soon as a migration already exists
// ("PostgreSQL shadow DB must be provided through an external factory" in EvaluateDataLoss).
// `migrate diff --from-migrations` replays the history in a shadow database through our adapter
// and writes the same SQL `migrate dev` would. It reads the schema through Migrate's copy of it
// (prisma/migrate-schema.ts), which Prisma 6 can read.
import 'dotenv/config';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config';
import { openDatabaseServer } from '../src/db/database-server';
import { migrateSchemaPath } from '../prisma/migrate-schema';
import { prismaInvocation } from '../src/db/prisma-cli';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:new-migration -- <name in snake_case>');
  process.exit(2);
}

function prisma(args: string[], url?: string, capture = false) {
  const { file, args: nodeArgs, options } = prismaInvocation(args, url);
  const result = spawnSync(file, nodeArgs, { ...options, stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`prisma ${args[0]} ${args[1] ?? ''} failed`);
  return result.stdout ?? '';
}

const config = loadConfig(process.env);
const server = await openDatabaseServer(config.database, console.log);
try {
  const sql = prisma(
    ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema-datamodel', migrateSchemaPath, '--script'],
    server.url,
    true,
  );
  if (!/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/im.test(sql)) {
    console.log('The schema matches the migrations: nothing to create.');
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = `prisma/migrations/${stamp}_${name}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/migration.sql`, sql);
    console.log(`Created ${dir}/migration.sql`);
    prisma(['migrate', 'deploy'], server.url);
    prisma(['generate']);
  }
} finally {
  await server.close();
}
