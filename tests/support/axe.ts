// axe-core in the browser tests: run on a page of the shop, it must find no violation of any rule
// axe enables by default (WCAG 2.0–2.2 A and AA, and axe's best practices). The script is evaluated
// through the DevTools protocol, which the page's CSP does not govern, so the shop's own CSP stays on.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, RunOptions } from 'axe-core';
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

// axe's answer for each state of a page already checked by this worker. A browser file loads the
// same pages again and again (the catalog, a product, the cart on the way to every checkout) and
// checks a page on load and again where the test stops on it; axe's answer depends only on what it
// is shown, so a state seen before gets the answer axe gave it, and only a new state is run. An
// answer is kept only when the page was in the same state after the run as before it.
const checked = new Map<string, Promise<AxeViolation[] | undefined>>();

/**
 * Everything of the page's state that axe's rules can see: the address, the window (size, pixel
 * ratio, touch, scroll), the markup, what the form controls hold and where the focus is (the pages
 * tested have no frames or shadow roots, whose insides the markup would not show). The hidden
 * fields' values (form tokens, different in every browser profile) are left out: no rule reads them.
 */
function pageState(): string {
  const markup = document.documentElement.cloneNode(true) as HTMLElement;
  markup.querySelectorAll('input[type=hidden]').forEach((hidden) => hidden.removeAttribute('value'));
  const controls = Array.from(document.querySelectorAll<HTMLInputElement>('input:not([type=hidden]), select, textarea'), (control) =>
    control.type === 'checkbox' || control.type === 'radio' ? String(control.checked) : control.value);
  const focus = document.activeElement ? Array.from(document.querySelectorAll('*')).indexOf(document.activeElement) : -1;
  // A transition or animation under way shows axe a passing moment: such a state is never the same twice.
  const moving = document.getAnimations().length > 0 ? String(Math.random()) : '';
  return JSON.stringify([location.href, innerWidth, innerHeight, devicePixelRatio, navigator.maxTouchPoints, scrollX, scrollY, focus, controls, moving, markup.outerHTML]);
}

const stateOf = async (page: Page) => createHash('sha256').update(await page.evaluate(pageState)).digest('hex');

async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.waitForLoadState('load');
  const state = await stateOf(page);
  const seen = await checked.get(state);
  if (seen) return seen;
  const run = axeOnPage(page);
  checked.set(state, run.then(async (violations) => ((await stateOf(page)) === state ? violations : undefined)).catch(() => undefined));
  return run;
}

async function axeOnPage(page: Page): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  // Only the violations are collected in full and brought back: the passes and the rules that did
  // not apply, which axe would otherwise gather node by node, are not read here.
  return page.evaluate(async () => {
    const results = await (window as unknown as { axe: { run(options: RunOptions): Promise<AxeResults> } }).axe.run({ resultTypes: ['violations'] });
    return results.violations.map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
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
