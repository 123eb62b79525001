// The configuration of Prisma 6.19's CLI (package alias `prisma6`), which runs Migrate on its
// WebAssembly schema engine; the shop's client and `prisma generate` are Prisma 7 (../prisma.config.ts).
// src/db/prisma-cli.ts passes this file with --config.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma6/config';
import { migrationAdapter } from './migration-adapter';
import { migrateSchemaPath, writeMigrateSchema } from './migrate-schema';

// Fix 3 of shared/PLATFORM.md: the WebAssembly schema engine arms 10-second timers that keep the
// CLI alive long after its work is done. Long timers may not hold the process open; short ones
// (the engine's own request pacing) are left alone.
const LONG_TIMER_MS = 5000;
const setTimeoutOriginal = globalThis.setTimeout;
globalThis.setTimeout = ((handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = setTimeoutOriginal(handler, ms, ...args);
  if ((ms ?? 0) >= LONG_TIMER_MS) timer.unref();
  return timer;
}) as typeof setTimeout;

writeMigrateSchema();

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: migrateSchemaPath,
  migrations: { path: fileURLToPath(new URL('migrations', import.meta.url)) },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL must be set for Prisma CLI commands (npm run prisma sets it)');
    return migrationAdapter(url);
  },
});
