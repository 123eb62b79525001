// The package stands alone: its sources import one another, Node's built-ins and the packages its
// package.json declares as dependencies, never the shop, so its tarball runs wherever it is installed.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));
const { dependencies } = JSON.parse(readFileSync(join(src, '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

it('imports only its own modules, Node built-ins and its declared dependencies', () => {
  const outside: string[] = [];
  let ownImports = 0;
  for (const file of readdirSync(src).filter((name) => name.endsWith('.ts'))) {
    for (const [, specifier] of readFileSync(join(src, file), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (specifier!.startsWith('.')) {
        ownImports += 1;
        if (relative(src, resolve(dirname(join(src, file)), specifier!)).startsWith('..')) outside.push(`${file}: ${specifier}`);
      } else if (!specifier!.startsWith('node:') && !(specifier! in dependencies)) {
        outside.push(`${file}: ${specifier}`);
      }
    }
  }
  expect(ownImports).toBeGreaterThan(30);
  expect(outside).toEqual([]);
});
