// The README's list of what production requires is read from the code's refusal, so neither can
// change without the other.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

function refusalWithNothingSet(): string {
  try {
    loadConfig({ NODE_ENV: 'production' });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('production started with nothing set');
}

it("names in the README exactly the settings production refuses to start without", () => {
  const required = new Set([...refusalWithNothingSet().matchAll(/\b([A-Z][A-Z0-9_]+) must be set/g)].map((m) => m[1]));
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const sentence = /the shop refuses to start without ([^(]+)\(/.exec(readme)?.[1] ?? '';
  const listed = new Set([...sentence.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
  expect(required.size).toBeGreaterThan(0);
  expect([...listed].sort()).toEqual([...required].sort());
});
