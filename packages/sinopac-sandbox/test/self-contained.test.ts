// The package stands alone: its sources import one another, Node's built-ins and the packages its
// package.json declares as dependencies, and nothing else (not the shop it came from, nor a package
// that happens to be installed beside it in a monorepo), so its tarball runs wherever it is installed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

it('imports only its own modules, Node built-ins and its declared dependencies', () => {
  const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));
  const outside: string[] = [];
  let relativeImports = 0;
  for (const file of sources) {
    const text = readFileSync(join(root, 'src', file), 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (specifier!.startsWith('.')) {
        relativeImports += 1;
        const target = relative(join(root, 'src'), resolve(dirname(join(root, 'src', file)), specifier!));
        if (target.startsWith('..')) outside.push(`${file}: ${specifier}`);
      } else if (!specifier!.startsWith('node:')) {
        const name = specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!;
        if (!(name in dependencies)) outside.push(`${file}: ${specifier}`);
      }
    }
  }
  expect(relativeImports).toBeGreaterThan(50);
  expect(outside).toEqual([]);
});
