// axe-core in the browser tests: run on a page of the shop, it must find no violation of any rule
// axe enables by default (WCAG 2.0–2.2 A and AA, and axe's best practices). The script is evaluated
// through the DevTools protocol, which the page's CSP does not govern, so the shop's own CSP stays on.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  rule: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

// axe refuses to start while a run is going on in the page, so each page's runs wait in line.
const running = new WeakMap<Page, Promise<unknown>>();

export function axeViolations(page: Page): Promise<AxeViolation[]> {
  const previous = running.get(page) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => runAxe(page));
  running.set(page, run);
  return run;
}

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.waitForLoadState('load');
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    targets: violation.nodes.map((node) => node.target.join(' ')),
  }));
}

/** Fails naming the page and each violated rule with the elements that break it. */
export async function expectAccessible(page: Page): Promise<void> {
  const where = new URL(page.url()).pathname;
  expect(await axeViolations(page), `axe-core violations on ${where}`).toEqual([]);
}

/**
 * Runs axe on every page of the shop that loads in `page`, alongside what the test does, and
 * returns a function that waits for those runs and lists what they found. A page the test leaves
 * before its run has finished goes unchecked here; the tests check the pages they stop on with
 * expectAccessible, which waits for the page.
 */
export function checkEveryPage(page: Page, origin: string): () => Promise<string[]> {
  const runs: Promise<string[]>[] = [];
  page.on('load', () => {
    const url = page.url();
    if (!url.startsWith(origin)) return;
    const where = new URL(url).pathname;
    runs.push(
      axeViolations(page).then(
        (violations) => violations.map((v) => `${where}: ${v.rule} (${v.impact}) ${v.help}: ${v.targets.join(', ')}`),
        () => [],
      ),
    );
  });
  return async () => (await Promise.all(runs)).flat();
}
