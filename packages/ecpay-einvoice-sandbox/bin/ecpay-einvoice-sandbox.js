#!/usr/bin/env node
// In the source tree (the shop's workspace) the TypeScript source runs through tsx, so no build
// step is needed and no stale build is run; a packed install has no src/ and runs dist/cli.js.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL('../dist/cli.js', import.meta.url).href);
}
