// Applies the checked-in SQL migrations (prisma/migrations/<name>/migration.sql) with plain pg, so
// a production install migrates without any Prisma CLI. It keeps Prisma Migrate's books: the same
// `_prisma_migrations` table and the same checksum (sha256 of the file), so a database migrated by
// `prisma migrate deploy` is carried on, not migrated twice. Libraries tried first: node-pg-migrate,
// postgrator and umzug each keep their own table and none both locks and checks checksums.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectPath } from '../paths';
import { StartupError } from '../startup-error';

export class MigrationError extends StartupError {
  override name = 'MigrationError';
}

/** A migration already applied to the database whose file no longer says what was applied. */
export class EditedMigrationError extends MigrationError {
  override name = 'EditedMigrationError';
}

const MIGRATIONS_DIR = projectPath('prisma', 'migrations');

// Prisma Migrate's own advisory lock key: processes starting together, and a `prisma migrate
// deploy` run by hand, wait for each other instead of applying a migration twice.
const LOCK_KEY = 72707369;

// The table exactly as Prisma Migrate creates it.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The checksum Prisma Migrate records: sha256 of migration.sql, in hexadecimal. */
function checksumOf(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** The migrations in `dir`, in the order they apply (their directory names sort by timestamp). */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** The migrations still to apply; refuses an edited or a half-applied one. */
function pending(migrations: Migration[], rows: AppliedRow[]): Migration[] {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed earlier (recorded by Prisma Migrate) and may be partly applied: ` +
        `repair the database by hand, then mark it rolled back: UPDATE "_prisma_migrations" SET rolled_back_at = now() ` +
        `WHERE migration_name = '${failed.migration_name}' AND finished_at IS NULL`,
    );
  }
  const applied = new Map(live.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const checksum = applied.get(migration.name);
    if (checksum !== undefined && checksum !== migration.checksum) {
      throw new EditedMigrationError(
        `Migration ${migration.name} was edited after it was applied to this database ` +
          `(prisma/migrations/${migration.name}/migration.sql no longer matches its checksum): ` +
          `restore the file as it was applied and make the change in a new migration (npm run db:new-migration).`,
      );
    }
  }
  return migrations.filter((migration) => !applied.has(migration.name));
}

export interface ApplyOptions {
  /** Where the migrations are; the project's prisma/migrations unless given. */
  dir?: string;
  log?: (line: string) => void;
}

/** Applies every pending migration, each in its own transaction; returns the names applied. */
export async function applyMigrations(databaseUrl: string, options: ApplyOptions = {}): Promise<string[]> {
  const migrations = readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Held by this session across the transactions below; ending the connection releases it.
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const applied: string[] = [];
    for (const migration of pending(migrations, rows)) {
      await applyOne(client, migration);
      options.log?.(`Applied migration ${migration.name}`);
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    // A connection lost mid-migration takes its transaction with it: the error that matters is the first.
    await client.query('ROLLBACK').catch(() => {});
    throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}
