// Runs a Prisma CLI command, e.g. `npm run prisma -- migrate status` or `npm run prisma -- generate`
// (src/db/prisma-cli.ts says which of the two Prisma CLIs runs it). Migrate commands run against the
// development database: without DATABASE_URL the embedded PostgreSQL starts first, as for `npm start`.
import 'dotenv/config';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config';
import { openDatabaseServer } from '../src/db/database-server';
import { needsDatabase, prismaInvocation } from '../src/db/prisma-cli';

function run(args: string[], databaseUrl?: string): number {
  const { file, args: nodeArgs, options } = prismaInvocation(args, databaseUrl);
  return spawnSync(file, nodeArgs, { ...options, stdio: 'inherit' }).status ?? 1;
}

const args = process.argv.slice(2);
if (!needsDatabase(args)) process.exit(run(args));
const server = await openDatabaseServer(loadConfig(process.env).database, console.log);
const status = run(args, server.url);
await server.close();
process.exit(status);
