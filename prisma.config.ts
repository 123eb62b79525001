import { defineConfig } from 'prisma/config';
import { migrationAdapter } from './prisma/migration-adapter';

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

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL must be set for Prisma CLI commands (npm run db:migrate sets it)');
    return migrationAdapter(url);
  },
});
