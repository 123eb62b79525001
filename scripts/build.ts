// The last step of `npm run build` (after `prisma generate` and the type check): bundles the entry
// points into dist/ for plain `node`. Why a bundler and not tsc's own output: the source imports
// modules without extensions (moduleResolution "bundler"), which Node's ESM loader cannot resolve,
// and esbuild (already under tsx) writes the whole shop in about a second. Packages stay in
// node_modules (not bundled), so the production install is what runs them. Every chunk lands
// in dist/ itself, one level below the project's root, as src/paths.ts expects.
import { rmSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { projectPath } from '../src/paths';

// Development-only parts, loaded with import() where they are needed: they must stay out of what
// a production process loads (and their packages are devDependencies).
const DEVELOPMENT_ONLY = [/^src\/sandbox\//, /^src\/db\/embedded-postgres\.ts$/, /^src\/catalog\/seed\.ts$/];
// Development-only workspace packages: never bundled (tsconfig's paths would otherwise pull their
// sources in), and a production install (--omit=dev) does not have them.
const DEVELOPMENT_PACKAGES = ['ecpay-einvoice-sandbox'];

/** The source files and packages an entry point loads by static imports alone, its own chunk and those it imports. */
function staticallyLoaded(metafile: Metafile, output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return new Set();
  seen.add(output);
  const chunk = metafile.outputs[output]!;
  const inputs = new Set(Object.keys(chunk.inputs));
  for (const imported of chunk.imports) {
    if (imported.kind !== 'import-statement') continue;
    if (imported.external) inputs.add(imported.path);
    else for (const input of staticallyLoaded(metafile, imported.path, seen)) inputs.add(input);
  }
  return inputs;
}

const started = performance.now();
rmSync(projectPath('dist'), { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: projectPath(),
  entryPoints: { main: 'src/main.ts', migrate: 'src/migrate.ts', 'admin-hash-password': 'scripts/admin-hash-password.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  external: DEVELOPMENT_PACKAGES,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

for (const entry of ['dist/main.js', 'dist/migrate.js']) {
  const leaked = [...staticallyLoaded(metafile, entry)].filter((input) =>
    DEVELOPMENT_ONLY.some((pattern) => pattern.test(input)) || DEVELOPMENT_PACKAGES.includes(input));
  if (leaked.length > 0) {
    console.error(`${entry} loads development-only code at start-up: ${leaked.join(', ')}; import it with import() where it is needed`);
    process.exit(1);
  }
}
const bytes = Object.entries(metafile.outputs).filter(([path]) => path.endsWith('.js')).reduce((sum, [, out]) => sum + out.bytes, 0);
console.log(`dist/: ${Object.keys(metafile.outputs).filter((path) => path.endsWith('.js')).length} files, ${(bytes / 1024).toFixed(0)} KiB of JavaScript, in ${Math.round(performance.now() - started)} ms`);
