#!/usr/bin/env node
// Runs the built CLI (dist/cli.js, in a packed install) or, in the source tree, the TypeScript
// source through tsx, so the workspace needs no build step.
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli.ts', import.meta.url).href);
}
