// How the project runs Prisma's command line, always in a child process. Prisma 7's CLI generates
// the client the shop runs on and formats the schema; everything else, Migrate above all, runs on
// Prisma 6.19's CLI (package alias `prisma6`), whose WebAssembly schema engine needs no binary:
// Prisma 7's Migrate needs a native engine that cannot be downloaded here.
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const PRISMA_7_COMMANDS = new Set(['generate', 'format', 'validate']);

export interface PrismaInvocation {
  file: string;
  args: string[];
  options: { cwd: string; env: NodeJS.ProcessEnv };
}

/** Whether `prisma <args>` runs on Prisma 6's CLI, which always needs a database URL. */
export function needsDatabase(args: readonly string[]): boolean {
  return !PRISMA_7_COMMANDS.has(args[0] ?? '');
}

/** Node's arguments and environment for `prisma <args>`; Migrate commands need the database's URL. */
export function prismaInvocation(args: readonly string[], databaseUrl?: string): PrismaInvocation {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  if (!needsDatabase(args)) {
    // Prisma 7 checks for the schema engine before every command, even those that never run it;
    // naming any existing file stops it from trying to download one.
    env.PRISMA_SCHEMA_ENGINE_BINARY = '/bin/true';
    return { file: process.execPath, args: ['node_modules/prisma/build/index.js', ...args], options: { cwd: projectRoot, env } };
  }
  // Without a URL the Prisma 6 CLI falls back to downloading a query engine.
  if (!databaseUrl) throw new Error(`prisma ${args.join(' ')} needs a database URL`);
  env.DATABASE_URL = databaseUrl;
  return {
    file: process.execPath,
    args: ['node_modules/prisma6/build/index.js', ...args, '--config', 'prisma/migrate.config.ts'],
    options: { cwd: projectRoot, env },
  };
}
