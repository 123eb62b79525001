// Citations in code, tests and docs point at documents in this repository: a cited docs/*.md
// exists, a cited section of docs/sinopac-protocol.md is one of its headings, and no file cites
// PROTOCOL.md or PLATFORM.md, which live outside the repository.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));


function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (path === join('src', 'generated')) return [];
    return statSync(join(root, path)).isDirectory() ? filesUnder(path) : /\.(ts|js|md|njk)$/.test(name) ? [path] : [];
  });
}

const files = [...['src', 'scripts', 'tests', 'docs', 'views'].flatMap(filesUnder), 'README.md'].filter((f) => f !== relative(root, fileURLToPath(import.meta.url)));
const text = (file: string) => readFileSync(join(root, file), 'utf8');

it('cites no document from outside the repository', () => {
  const citing = files.filter((file) => /\b(PROTOCOL|PLATFORM)\.md\b/.test(text(file)));
  expect(citing).toEqual([]);
});

it('cites only docs that exist and sections of the protocol summary that it has', () => {
  const protocol = text('docs/sinopac-protocol.md');
  const sections = new Set([...protocol.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]));
  const missing: string[] = [];
  for (const file of files) {
    const body = text(file);
    for (const [, doc] of body.matchAll(/\bdocs\/([\w-]+\.md)\b/g)) {
      if (!existsSync(join(root, 'docs', doc!))) missing.push(`${file}: docs/${doc}`);
    }
    for (const [, section] of body.matchAll(/docs\/sinopac-protocol\.md §(\d+(?:\.\d+)?)/g)) {
      if (!sections.has(section!)) missing.push(`${file}: §${section}`);
    }
  }
  expect(sections.size).toBeGreaterThan(10);
  expect(missing).toEqual([]);
});
