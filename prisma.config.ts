// Prisma 7's CLI, which here only runs `prisma generate` (postinstall, `npm run prisma -- generate`).
// Migrations go through Prisma 6.19's CLI instead: prisma/migrate.config.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
