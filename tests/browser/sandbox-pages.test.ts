// The sandbox's own pages in real Chromium: the console fits a 390 px phone and its "pay now" can be
// tapped there; the card link that was already used offers a way back to the shop.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchChromium } from '../support/browser';
import { DESKTOP, PHONE, horizontalFit } from '../support/browser-shop';
import { atmOrder, cardOrder, startTestSandbox, type TestSandbox } from '../support/sandbox-harness';

describe.skipIf(!browserAvailable)('the sandbox pages', { timeout: 120_000 }, () => {
  let sb: TestSandbox;
  let browser: Browser;

  beforeAll(async () => {
    sb = await startTestSandbox();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sb?.close();
  });

  it.each([['a phone', PHONE], ['a desktop', DESKTOP]] as const)('the console fits %s and pays an ATM order by a tap', async (_name, device) => {
    const message = atmOrder(sb.clock);
    expect((await sb.client.call('OrderCreate', message)).message.Status).toBe('S');
    // A card order too: its row has the longest contents (notifications, the TSNo).
    expect((await sb.client.call('OrderCreate', cardOrder())).message.Status).toBe('S');
    const context = await browser.newContext(device);
    try {
      const page = await context.newPage();
      await page.goto(`${sb.running.origin}/console`);
      const fit = await horizontalFit(page);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
      const pay = page.locator(`tr[data-order-no="${String(message.OrderNo)}"] button[data-action="pay"]`);
      const box = (await pay.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(fit.innerWidth);
      expect(box.height).toBeGreaterThanOrEqual(44);
      await (device === PHONE ? pay.tap() : pay.click());
      await page.waitForURL(/\/console\?notice=/);
      expect(sb.running.sandbox.control.order({ orderNo: String(message.OrderNo) }).payStatus).not.toBe('1A200');
    } finally {
      await context.close();
    }
  });
});
