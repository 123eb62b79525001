// `npm run build` (and prepack): the package's compiled JavaScript in dist/, for plain node: the
// library (index.js) and the command (cli.js), sharing their chunks. Why esbuild and not tsc's own
// output: the sources import without file extensions, which Node's ESM loader cannot resolve.
// Packages stay external: they are the package's declared dependencies, installed beside it.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
