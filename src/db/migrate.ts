// Applies pending migrations with Prisma Migrate (prisma migrate deploy) in a child process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export function applyMigrations(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['node_modules/prisma/build/index.js', 'migrate', 'deploy'],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        if (error) reject(new MigrationError(`prisma migrate deploy failed: ${stderr || stdout || error.message}`));
        else resolve();
      },
    );
  });
}
