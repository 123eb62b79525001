// The migration runner (src/db/migrate.ts) against real, empty PostgreSQL databases: Prisma's
// books kept as Prisma keeps them, one application per migration under the lock, each migration
// all or nothing, and an edited migration refused.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDatabaseIfMissing, databaseUrl, dropDatabase } from '../../src/db/databases';
import { applyMigrations, EditedMigrationError, MigrationError, readMigrations } from '../../src/db/migrate';

const server = inject('databaseServerUrl');
const created: string[] = [];
const dirs: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `fengshou_migrate_${randomBytes(5).toString('hex')}`;
  await createDatabaseIfMissing(server, name);
  created.push(name);
  return databaseUrl(server, name);
}

/** A migrations folder holding `files` (directory name to SQL). */
function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join('.data', 'migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeMigration(dir, name, sql);
  return dir;
}

function writeMigration(dir: string, name: string, sql: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, name, 'migration.sql'), sql);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const tableExists = async (url: string, table: string) =>
  (await query<{ found: string | null }>(url, 'SELECT to_regclass($1) AS found', [table]))[0]!.found !== null;

const appliedRows = (url: string) =>
  query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
    url,
    'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
  );

beforeEach(() => mkdirSync('.data', { recursive: true }));
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  for (const name of created) await dropDatabase(server, name);
});

describe('the project migrations', () => {
  it('are recorded with the checksum Prisma Migrate wrote for them', async () => {
    const url = await emptyDatabase();
    const applied = await applyMigrations(url);
    const migrations = readMigrations();

    expect(applied).toEqual(migrations.map((migration) => migration.name));
    const rows = await appliedRows(url);
    expect(rows.map((row) => row.migration_name)).toEqual(applied);
    // What `prisma migrate deploy` (Prisma 6.19) recorded for the first migration on 2026-12-06.
    expect(rows[0]).toMatchObject({
      migration_name: '20261125224707_init',
      checksum: 'c0871d939a49c4cbe4227808361872c3ed852f54f1e0524ff1ca2185e4c1fbbc',
      applied_steps_count: 1,
    });
    for (const row of rows) expect(row.finished_at).toBeInstanceOf(Date);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it('carry on a database Prisma Migrate created, applying only what it lacks', async () => {
    const url = await emptyDatabase();
    const [first, second] = readMigrations();
    // The first migration as `prisma migrate deploy` left it: its SQL run, its row in Prisma's own table.
    await query(url, first!.sql);
    await query(
      url,
      `CREATE TABLE "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
    );
    await query(
      url,
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
       VALUES ('2be5a3be-ff1c-48f4-8cdc-edd9ac721775', 'c0871d939a49c4cbe4227808361872c3ed852f54f1e0524ff1ca2185e4c1fbbc', now(), $1, 1)`,
      [first!.name],
    );

    const applied = await applyMigrations(url);

    expect(applied[0]).toBe(second!.name);
    expect(applied).not.toContain(first!.name);
    expect((await appliedRows(url)).filter((row) => row.migration_name === first!.name)).toHaveLength(1);
  });
});

describe('the runner', () => {
  it('applies each migration once when several processes start together', async () => {
    const url = await emptyDatabase();
    // Each would fail if run twice: CREATE TABLE without IF NOT EXISTS, an INSERT into a unique column.
    const dir = migrationsDir({
      '20260101000000_a': 'CREATE TABLE a (id int PRIMARY KEY);',
      '20260102000000_b': 'INSERT INTO a VALUES (1);',
      '20260103000000_c': 'CREATE TABLE c (id int);',
    });

    const results = await Promise.all(Array.from({ length: 5 }, () => applyMigrations(url, { dir })));

    expect(results.flat().sort()).toEqual(['20260101000000_a', '20260102000000_b', '20260103000000_c']);
    expect((await appliedRows(url)).map((row) => row.migration_name)).toEqual(['20260101000000_a', '20260102000000_b', '20260103000000_c']);
  });

  it('waits for the advisory lock Prisma Migrate also takes before it reads or changes anything', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({ '20260101000000_a': 'CREATE TABLE a (id int);' });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(72707369)');

    const running = applyMigrations(url, { dir });
    // Until the runner is seen waiting on that lock.
    for (;;) {
      const [waiting] = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_locks
         WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      if (waiting!.n > 0) break;
    }
    expect(await tableExists(url, 'a')).toBe(false);
    expect(await tableExists(url, '_prisma_migrations')).toBe(false);

    await holder.query('SELECT pg_advisory_unlock(72707369)');
    await holder.end();
    expect(await running).toEqual(['20260101000000_a']);
    expect(await tableExists(url, 'a')).toBe(true);
  });

  it('rolls a failing migration back whole, keeps those before it, and applies it once it is fixed', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({
      '20260101000000_good': 'CREATE TABLE good (id int);',
      '20260102000000_bad': 'CREATE TABLE half (id int);\nINSERT INTO missing_table VALUES (1);',
      '20260103000000_after': 'CREATE TABLE after_bad (id int);',
    });

    const failure = await applyMigrations(url, { dir }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toMatch(/Migration 20260102000000_bad failed and was rolled back: .*missing_table/);
    expect(await tableExists(url, 'good')).toBe(true);
    expect(await tableExists(url, 'half')).toBe(false);
    expect(await tableExists(url, 'after_bad')).toBe(false);
    expect((await appliedRows(url)).map((row) => row.migration_name)).toEqual(['20260101000000_good']);

    writeMigration(dir, '20260102000000_bad', 'CREATE TABLE half (id int);');
    expect(await applyMigrations(url, { dir })).toEqual(['20260102000000_bad', '20260103000000_after']);
  });

  it('refuses to go on when an applied migration was edited, naming it, and applies nothing after it', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({ '20260101000000_first': 'CREATE TABLE first (id int);' });
    await applyMigrations(url, { dir });
    writeMigration(dir, '20260101000000_first', 'CREATE TABLE first (id bigint);');
    writeMigration(dir, '20260102000000_second', 'CREATE TABLE second (id int);');

    const failure = await applyMigrations(url, { dir }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(EditedMigrationError);
    expect((failure as Error).message).toContain('Migration 20260101000000_first was edited after it was applied');
    expect(await tableExists(url, 'second')).toBe(false);
  });

  it('refuses a migration Prisma Migrate recorded as failed, saying how to mark it repaired', async () => {
    const url = await emptyDatabase();
    const dir = migrationsDir({ '20260101000000_first': 'CREATE TABLE first (id int);' });
    await applyMigrations(url, { dir });
    await query(url, `UPDATE "_prisma_migrations" SET finished_at = NULL`);

    await expect(applyMigrations(url, { dir })).rejects.toThrow(/Migration 20260101000000_first failed earlier .*rolled_back_at = now\(\)/);
  });
});
