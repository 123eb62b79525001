// Where the shop's own files are (views, public, prisma/migrations, node_modules). The source
// (src/*.ts, run by tsx) and the build (dist/*.js, run by node) both sit one level below the
// project's root, so every module asks here instead of counting its own depth.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

export function projectPath(...parts: string[]): string {
  return join(projectRoot, ...parts);
}
