// The sandbox's own pages in real Chromium: the console fits a 390 px phone and its "pay now" can be
// tapped there; the card link that was already used offers a way back to the shop.
import type { Browser } from 'playwright-core';
import { DEMO_SHOP, silentLogger, startSandbox, type RunningSandbox } from 'sinopac-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinopacClient } from '../../src/sinopac/client';
import { taipeiDayAfter } from '../../src/time/taipei';
import { browserAvailable, launchChromium } from '../support/browser';
import { DESKTOP, PHONE, horizontalFit } from '../support/browser-shop';

const RETURN_URL = 'http://127.0.0.1:9/shop/sinopac/return';
let sequence = 0;
const orderNo = (prefix: string) => `${prefix}${String(++sequence).padStart(5, '0')}A`;

describe.skipIf(!browserAvailable)('the sandbox pages', { timeout: 120_000 }, () => {
  let sandbox: RunningSandbox;
  let client: SinopacClient;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandbox({ shops: [DEMO_SHOP], port: 0, logger: silentLogger, atmAutoPayDelayMs: null });
    client = new SinopacClient({ apiUrl: sandbox.apiUrl, ...DEMO_SHOP, timeoutMs: 5_000 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.close();
  });

  it.each([['a phone', PHONE], ['a desktop', DESKTOP]] as const)('the console fits %s and pays an ATM order by a tap', async (_name, device) => {
    const atm = orderNo('A');
    const created = await client.orderCreate({
      OrderNo: atm, Amount: 50000, PayType: 'A', PrdtName: '虛擬帳號訂單', ReturnURL: RETURN_URL,
      ATMParam: { ExpireDate: taipeiDayAfter(new Date(), 3).yyyyMMdd },
    });
    expect(created.Status).toBe('S');
    // A card order too: its row has the longest contents (notifications, the TSNo).
    const card = await client.orderCreate({
      OrderNo: orderNo('C'), Amount: 129900, PayType: 'C', PrdtName: '精品咖啡豆 x2（中焙）', ReturnURL: RETURN_URL,
      CardParam: { AutoBilling: 'Y', ExpMinutes: 10 },
    });
    expect(card.Status).toBe('S');
    const context = await browser.newContext(device);
    try {
      const page = await context.newPage();
      await page.goto(`${sandbox.origin}/console`);
      const fit = await horizontalFit(page);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
      const pay = page.locator(`tr[data-order-no="${atm}"] button[data-action="pay"]`);
      const box = (await pay.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(fit.innerWidth);
      expect(box.height).toBeGreaterThanOrEqual(44);
      await (device === PHONE ? pay.tap() : pay.click());
      await page.waitForURL(/\/console\?notice=/);
      expect(sandbox.sandbox.control.order({ orderNo: atm }).payStatus).not.toBe('1A200');
    } finally {
      await context.close();
    }
  });
});
