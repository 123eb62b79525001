// `npm run build` (and prepack): the package's JavaScript in dist/ for plain node, the library
// (index.js) and the command (cli.js) sharing their chunks. esbuild rather than tsc's output: the
// sources import without file extensions, which Node's ESM loader cannot resolve. Dependencies
// stay external: they are installed beside the package.
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
