// After `npm install` in a clone: generates the Prisma client (src/generated/prisma) with Prisma's
// CLI through tsx, both devDependencies. A production install (`npm ci --omit=dev`) has no tsx
// (npm may still bring Prisma's CLI, an optional peer of @prisma/client) and needs no client of its
// own: the build (`npm run build`, dist/) carries it. Plain JavaScript for that reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const installed = (name) => existsSync(new URL(`../node_modules/${name}/package.json`, import.meta.url));
if (installed('prisma') && installed('tsx')) {
  process.exit(spawnSync('npm', ['run', 'prisma', '--', 'generate'], { stdio: 'inherit' }).status ?? 1);
}
console.log('A production install (no tsx): no Prisma client generated here; dist/ carries the one it was built with.');
