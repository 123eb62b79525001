// Creates a migration from the change made to prisma/schema.prisma since the newest committed
// migration, applies it to the development database and regenerates the client:
// `npm run db:new-migration -- add_x`.
//
// The SQL comes from Prisma 6.19's `migrate diff` between two schema files: prisma/schema.prisma as
// it was in the commit that last changed prisma/migrations (the schema the migrations build), and
// as it is now. A schema-to-schema diff reads no database catalog and needs no shadow database, so
// Prisma's WebAssembly engine runs on the stock pg adapter. Constraints Prisma cannot express
// (CHECKs, partial indexes) are written into the SQL by hand, as before.
import 'dotenv/config';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config';
import { openDatabaseServer } from '../src/db/database-server';
import { applyMigrations, readMigrations } from '../src/db/migrate';
import { projectPath } from '../src/paths';
import { prisma6Diff, prisma7 } from './prisma-cli';

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:new-migration -- <name in snake_case>');
  process.exit(2);
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: projectPath(), encoding: 'utf8' });

// Prisma 7 refuses a `url` in the datasource and Prisma 6 refuses a schema without one; without a
// generator of engineType "client", Prisma 6 downloads a query engine. So Prisma 6 reads copies
// with the url added and such a generator (`migrate diff` generates nothing with it).
const PRISMA6_GENERATOR = 'generator client {\n  provider   = "prisma-client"\n  engineType = "client"\n  output     = "client"\n}';

function forPrisma6(schema: string): string {
  return schema
    .replace(/^generator\s+\w+\s*\{[^}]*\}/gm, '')
    .replace(/^datasource\s+\w+\s*\{/m, (opening) => `${PRISMA6_GENERATOR}\n\n${opening}\n  url = env("DATABASE_URL")`);
}

const committed = new Set(git('ls-tree', '--name-only', 'HEAD', 'prisma/migrations/').split('\n').map((path) => path.split('/').pop()));
const uncommitted = readMigrations().filter((migration) => !committed.has(migration.name));
if (uncommitted.length > 0) {
  console.error(`Commit or remove ${uncommitted.map((m) => m.name).join(', ')} first: a new migration starts from the newest committed one.`);
  process.exit(1);
}
const base = git('log', '-1', '--format=%H', '--', 'prisma/migrations').trim();
const cacheDir = projectPath('node_modules', '.cache', 'prisma6');
mkdirSync(cacheDir, { recursive: true });
writeFileSync(`${cacheDir}/from.prisma`, forPrisma6(git('show', `${base}:prisma/schema.prisma`)));
writeFileSync(`${cacheDir}/to.prisma`, forPrisma6(readFileSync(projectPath('prisma', 'schema.prisma'), 'utf8')));

const server = await openDatabaseServer(loadConfig(process.env).database, console.log);
try {
  const diff = prisma6Diff(`${cacheDir}/from.prisma`, `${cacheDir}/to.prisma`, server.url);
  const result = spawnSync(diff.file, diff.args, { ...diff.options, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error('prisma migrate diff failed');
  const sql = result.stdout;
  if (!/^\s*(CREATE|ALTER|DROP|INSERT|UPDATE|DELETE)\b/im.test(sql)) {
    console.log(`prisma/schema.prisma matches the migrations (as of ${base.slice(0, 10)}): nothing to create.`);
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const dir = projectPath('prisma', 'migrations', `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/migration.sql`, sql);
    console.log(`Created prisma/migrations/${stamp}_${name}/migration.sql`);
    await applyMigrations(server.url, { log: console.log });
    const generate = prisma7(['generate']);
    spawnSync(generate.file, generate.args, { ...generate.options, stdio: 'inherit' });
  }
} finally {
  await server.close();
}
