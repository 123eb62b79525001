// Runs a command of Prisma 7's CLI: `npm run prisma -- generate` (also `format`, `validate`).
// Migrations are made by `npm run db:new-migration` and applied by `npm run db:migrate` or at start-up.
import { spawnSync } from 'node:child_process';
import { prisma7 } from './prisma-cli';

const { file, args, options } = prisma7(process.argv.slice(2));
process.exit(spawnSync(file, args, { ...options, stdio: 'inherit' }).status ?? 1);
