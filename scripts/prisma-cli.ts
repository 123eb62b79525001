// How the project runs Prisma's command lines, always in a child process, in development only.
// Prisma 7's CLI generates the client the shop runs on (generate, format, validate). Prisma 6.19's
// (package alias `prisma6`) computes the SQL between two schemas for scripts/new-migration.ts: its
// WebAssembly schema engine needs no binary, while Prisma 7's Migrate needs a native engine that
// cannot be downloaded here. Migrations are applied by src/db/migrate.ts, not by either CLI.
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export interface PrismaInvocation {
  file: string;
  args: string[];
  options: { cwd: string; env: NodeJS.ProcessEnv };
}

const quietEnv = (): NodeJS.ProcessEnv => ({ ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' });

/** `prisma <args>` on Prisma 7's CLI: generate, format, validate. */
export function prisma7(args: readonly string[]): PrismaInvocation {
  // Prisma 7 checks for the schema engine before every command, even those that never run it;
  // naming any existing file stops it from trying to download one.
  const env = { ...quietEnv(), PRISMA_SCHEMA_ENGINE_BINARY: '/bin/true' };
  return { file: process.execPath, args: ['node_modules/prisma/build/index.js', ...args], options: { cwd: projectRoot, env } };
}

/**
 * `prisma migrate diff` on Prisma 6.19's CLI from one schema file to another, as a SQL script.
 * Its engine connects to a database even for this (it reads no catalog there): any will do.
 */
export function prisma6Diff(fromSchema: string, toSchema: string, databaseUrl: string): PrismaInvocation {
  return {
    file: process.execPath,
    args: [
      'node_modules/prisma6/build/index.js', 'migrate', 'diff',
      '--from-schema-datamodel', fromSchema, '--to-schema-datamodel', toSchema, '--script',
      '--config', 'prisma/migrate-diff.config.ts',
    ],
    options: { cwd: projectRoot, env: { ...quietEnv(), DATABASE_URL: databaseUrl } },
  };
}
