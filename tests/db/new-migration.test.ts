// `npm run db:new-migration`, in a copy of the project made a git repository of its own: the SQL
// comes from Prisma 6's schema-to-schema diff against the schema of the newest committed
// migration, on the stock pg adapter (no patched globals or prototypes), and the migration is
// applied to the development database by the shop's own runner.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from '../../src/db/databases';
import { copyProject, run } from '../support/project-copy';

const work = mkdtempSync(join(tmpdir(), 'fengshou-new-migration-'));
const database = `fengshou_new_migration_${randomBytes(5).toString('hex')}`;
const env = { ...process.env, DATABASE_URL: databaseUrl(inject('databaseServerUrl'), database) };
const git = (...args: string[]) => run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], { cwd: work });
const newMigration = (name: string) => run('npx', ['tsx', 'scripts/new-migration.ts', name], { cwd: work, env });
const migrations = () => readdirSync(join(work, 'prisma', 'migrations')).filter((name) => !name.endsWith('.toml')).sort();

beforeAll(async () => {
  copyProject(work);
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'the project as it is');
  await createDatabaseIfMissing(inject('databaseServerUrl'), database);
}, 120_000);
afterAll(async () => {
  await dropDatabase(inject('databaseServerUrl'), database);
  rmSync(work, { recursive: true, force: true });
});

it('creates nothing while the schema matches the migrations', () => {
  const before = migrations();
  expect(newMigration('nothing')).toContain('matches the migrations');
  expect(migrations()).toEqual(before);
}, 60_000);

it('writes the SQL of a schema change as a new migration, applies it and regenerates the client', async () => {
  const schemaPath = join(work, 'prisma', 'schema.prisma');
  const schema = readFileSync(schemaPath, 'utf8');
  writeFileSync(schemaPath, schema.replace(/^model Product \{\n/m, 'model Product {\n  subtitle      String?\n'));
  const before = migrations();

  const output = newMigration('product_subtitle');

  const [created, ...others] = migrations().filter((name) => !before.includes(name));
  expect(others).toEqual([]);
  expect(created).toMatch(/^\d{14}_product_subtitle$/);
  const sql = readFileSync(join(work, 'prisma', 'migrations', created!, 'migration.sql'), 'utf8');
  expect(sql).toMatch(/ALTER TABLE "Product" ADD COLUMN\s+"subtitle" TEXT;/);
  // Nothing else: the CHECKs and partial indexes living only in the migrations are not dropped.
  expect(sql.match(/^(ALTER|CREATE|DROP)\b/gm)).toHaveLength(1);
  expect(output).toContain(`Applied migration ${created}`);
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  const column = await client.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'Product' AND column_name = 'subtitle'`);
  await client.end();
  expect(column.rowCount).toBe(1);
  expect(readFileSync(join(work, 'src', 'generated', 'prisma', 'models', 'Product.ts'), 'utf8')).toContain('subtitle');

  // A second one waits for this one to be committed, then starts from it.
  expect(() => newMigration('again')).toThrow(/Commit or remove \d{14}_product_subtitle first/);
  git('add', '-A');
  git('commit', '-qm', 'the subtitle');
  expect(newMigration('again')).toContain('matches the migrations');
}, 120_000);
