// After `npm install` in a clone: generates the Prisma client (src/generated/prisma) with Prisma's
// CLI, a devDependency. A production install (`npm ci --omit=dev`) has no CLI and needs no client
// of its own: the build (`npm run build`, dist/) carries it. Plain JavaScript for that reason.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync(new URL('../node_modules/prisma/package.json', import.meta.url))) {
  process.exit(spawnSync('npm', ['run', 'prisma', '--', 'generate'], { stdio: 'inherit' }).status ?? 1);
}
console.log('Prisma CLI not installed (a production install): no client generated here; dist/ carries the one it was built with.');
