// The configuration of Prisma 6.19's CLI (package alias `prisma6`), which here only computes the
// SQL between two schemas (scripts/new-migration.ts, through scripts/prisma-cli.ts). `engine: 'js'`
// with a driver adapter runs Migrate's WebAssembly schema engine, which downloads nothing. The
// shop's client and `prisma generate` are Prisma 7's (../prisma.config.ts).
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma6/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  // The edited schema as Prisma 6 reads it, written by scripts/new-migration.ts.
  schema: fileURLToPath(new URL('../node_modules/.cache/prisma6/to.prisma', import.meta.url)),
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL must be set (scripts/prisma-cli.ts sets it)');
    // An idle pool must not keep the CLI running once it has printed the SQL.
    return new PrismaPg({ connectionString: url, allowExitOnIdle: true });
  },
});
