// Real headless Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core,
// never a downloaded browser. Without Chromium the browser tests are skipped and say so, unless
// REQUIRE_BROWSER is set (CI sets it), in which case they fail.
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM_PATH);

if (!present && process.env.REQUIRE_BROWSER) {
  throw new Error(`REQUIRE_BROWSER is set but no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
}
if (!present) {
  console.warn(`\n  Browser tests SKIPPED: no Chromium at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium\n`);
}

export const browserAvailable = present;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // This machine's network is closed: Chromium's background connections would only fail.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-features=Translate,OptimizationHints,MediaRouter',
    ],
  });
}

export const SCREENSHOT_DIR = 'test-results/screenshots';

/** Saves the page as a test artifact, and returns where. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  return path;
}
