// The console tells a developer, in zh-TW and English, how to point a client at the sandbox: the API
// URL, each shop's ShopNo, hash keys and X-KeyID, the control API and its OpenAPI document. Keys given
// to the sandbox may be a real shop's, so only public or generated ones (showKeys) are shown in full.
// It stays axe-clean with that section on a desktop and a phone, in real Chromium.
import type { Browser } from 'playwright-core';
import { DEMO_SHOP, silentLogger, startSandbox, type RunningSandbox, type StartSandboxOptions } from 'sinopac-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinopacClient } from '../../src/sinopac/client';
import { taipeiDayAfter } from '../../src/time/taipei';
import { expectAccessible } from '../support/axe';
import { browserAvailable, launchChromium } from '../support/browser';
import { DESKTOP, horizontalFit, PHONE } from '../support/browser-shop';
import { getPage } from '../../packages/sinopac-sandbox/test/support/card-page';

const TEST_SHOP = {
  shopNo: 'TS0001_001',
  hashKeys: { A1: '0F2A4C6E8091B3D5', A2: 'F7E6D5C4B3A29180', B1: '00000000000000FF', B2: '123456789ABCDEF0' },
};
const KEYED_SHOP = {
  shopNo: 'TS0002_001',
  hashKeys: { A1: 'AAAAAAAAAAAAAAAA', A2: '5555555555555555', B1: '0123456789abcdef', B2: 'fedcba9876543210' },
  keyId: 'sandbox-test-key-0002',
};

const startTestSandbox = (options: Partial<StartSandboxOptions> = {}) =>
  startSandbox({ shops: [TEST_SHOP, KEYED_SHOP, DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null, ...options });

let sb: { running: RunningSandbox; close(): Promise<void> };
beforeAll(async () => {
  const running = await startTestSandbox();
  sb = { running, close: () => running.close() };
});
afterAll(() => sb.close());

const section = (page: string) => /<section aria-labelledby="connect-heading"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
const shopBlock = (text: string, shopNo: string) => new RegExp(`<dl class="summary" data-shop-no="${shopNo}">[\\s\\S]*?</dl>`).exec(text)?.[0] ?? '';

describe('the console\'s connection section', () => {
  it('gives the API URL, the control API and the OpenAPI document, in both languages', async () => {
    const text = section((await getPage(`${sb.running.origin}/console`)).text);
    expect(text).toContain(`<code data-testid="api-url">${sb.running.apiUrl}</code>`);
    expect(text).toContain(`<code>${sb.running.origin}/__sandbox</code>`);
    expect(text).toContain('<a href="/openapi.json">');
    expect(text).toContain('連接你的程式');
    expect(text).toContain('<span lang="en">Set your SinoPac client\'s API base URL');
    expect(text).toContain('<code>4999-3700-0002-3145</code> 12/30 880');
  });

  it('lists each shop with its X-KeyID when it has one, and the demo shop\'s four public hash keys in full', async () => {
    const text = section((await getPage(`${sb.running.origin}/console`)).text);
    for (const shop of [TEST_SHOP, KEYED_SHOP, DEMO_SHOP]) expect(shopBlock(text, shop.shopNo)).toContain(`<code>${shop.shopNo}</code>`);
    const demo = shopBlock(text, DEMO_SHOP.shopNo);
    for (const key of ['A1', 'A2', 'B1', 'B2'] as const) expect(demo).toContain(`Hash key ${key}</span></dt><dd><code>${DEMO_SHOP.hashKeys[key]}</code>`);
    expect(demo).toContain('<span lang="en">Sandbox keys, valid only against this sandbox.</span>');
    expect(shopBlock(text, KEYED_SHOP.shopNo)).toContain(`<dt>X-KeyID</dt><dd><code>${KEYED_SHOP.keyId}</code>`);
    expect(shopBlock(text, TEST_SHOP.shopNo)).toContain('<span lang="en">not required</span>');
  });

  it('shows keys it was given only by their first two characters, saying they are the ones configured', async () => {
    const page = (await getPage(`${sb.running.origin}/console`)).text.toUpperCase();
    for (const shop of [TEST_SHOP, KEYED_SHOP]) {
      for (const key of Object.values(shop.hashKeys)) expect(page).not.toContain(key.toUpperCase());
    }
    const text = section((await getPage(`${sb.running.origin}/console`)).text);
    for (const shop of [TEST_SHOP, KEYED_SHOP]) {
      const block = shopBlock(text, shop.shopNo);
      for (const key of ['A1', 'A2', 'B1', 'B2'] as const) expect(block).toContain(`Hash key ${key}</span></dt><dd><code>${shop.hashKeys[key].slice(0, 2)}…</code>`);
      expect(block).toContain('這是你設定的金鑰');
      expect(block).toContain('<span lang="en">These are the keys you configured');
    }
  });

  it('gives the public origin, when the sandbox has one, rather than the Host it was opened on', async () => {
    const other = await startTestSandbox({ publicOrigin: 'http://sandbox.example:4010' });
    try {
      const text = section((await getPage(`${other.origin}/console`)).text);
      expect(text).toContain('<code data-testid="api-url">http://sandbox.example:4010/funBIZ/QPay.WebAPI/api</code>');
    } finally {
      await other.close();
    }
  });
});

describe.skipIf(!browserAvailable)('the console in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    const client = new SinopacClient({ apiUrl: sb.running.apiUrl, ...TEST_SHOP, timeoutMs: 5_000 });
    const created = await client.orderCreate({
      OrderNo: 'CONSOLE0001', Amount: 50000, PayType: 'A', PrdtName: '虛擬帳號訂單', ReturnURL: 'http://127.0.0.1:9/return',
      ATMParam: { ExpireDate: taipeiDayAfter(new Date(), 3).yyyyMMdd },
    });
    expect(created.Status).toBe('S');
  });
  afterAll(() => browser?.close());

  it.each([['a desktop', DESKTOP], ['a phone', PHONE]] as const)('is axe-clean and fits %s', async (_name, device) => {
    const context = await browser.newContext(device);
    try {
      const page = await context.newPage();
      await page.goto(`${sb.running.origin}/console`);
      expect(await page.getByTestId('console-connect').isVisible()).toBe(true);
      expect(await page.getByTestId('api-url').textContent()).toBe(sb.running.apiUrl);
      const fit = await horizontalFit(page);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
      await expectAccessible(page);
      if (process.env.CONSOLE_SHOT) await page.screenshot({ path: `test-results/console-${device === PHONE ? 'phone' : 'desktop'}.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
