// Applies pending migrations with Prisma Migrate (prisma migrate deploy) in a child process.
import { execFile } from 'node:child_process';
import { prismaInvocation } from './prisma-cli';

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function applyMigrations(databaseUrl: string): Promise<void> {
  const { file, args, options } = prismaInvocation(['migrate', 'deploy'], databaseUrl);
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new MigrationError(`prisma migrate deploy failed: ${stderr || stdout || error.message}`));
      else resolve();
    });
  });
}
