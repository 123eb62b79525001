// What the browser tests share: the shop and the sandbox on loopback with the seeded catalog, one
// Chromium per test file, and the steps a shopper takes, done by clicking and typing in real pages.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { expect, type TestContext } from 'vitest';
import type { AdminCredentials } from '../../src/admin/sign-in';
import { seedProducts } from '../../src/catalog/seed';
import { ADMIN_PASSWORD, ADMIN_USERNAME, startAdminHarness, type AdminHarness } from './admin-harness';
import { checkEveryPage } from './axe';
import { launchChromium, screenshot } from './browser';
import { startShopHarness, type ShopHarness } from './shop-harness';

/** The README's screenshots are rewritten only on request, so ordinary test runs leave the repository clean. */
export const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
export const DOC_SCREENSHOT_DIR = 'docs/screenshots';

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 }, locale: 'zh-TW', timezoneId: 'Asia/Taipei' };
export const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-TW',
  timezoneId: 'Asia/Taipei',
};

export const GOOD_CARD = { number: '4999-3700-0002-3145', expiry: '12/30', cvv: '880' };
export const DECLINED_CARD = { number: '4000-0000-0000-0002', expiry: '11/29', cvv: '123' };
export const SHOPPER = {
  name: '王小明', email: 'xiaoming@example.com', phone: '0912345678',
  postcode: '106', city: '臺北市', district: '大安區', street: '復興南路一段 390 號 3 樓',
};

// Generous: six browser scenarios run at once per file, and the machine may be busy with more.
const WAIT_MS = 20_000;
/** SINOPAC_TIMEOUT_MS's default (src/config.ts), within WAIT_MS. */
const BANK_TIMEOUT_MS = 15_000;

export interface BrowserShop {
  shop: ShopHarness;
  browser: Browser;
  /**
   * A new browser profile (own cookies, so its own shopper) with one page open, closed when the
   * test finishes. Pass the test context's onTestFinished: the tests of a file run concurrently.
   */
  newPage(test: Pick<TestContext, 'onTestFinished'>, options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

const WARNINGS_KEPT = 40;

/** The shop's log lines at warn and above, the last WARNINGS_KEPT of them. */
function keptWarnings(): { destination: DestinationStream; lines: string[] } {
  const lines: string[] = [];
  const destination = {
    write(line: string) {
      if (!/^\{"level":[456]0,/.test(line)) return;
      lines.push(line);
      if (lines.length > WARNINGS_KEPT) lines.shift();
    },
  };
  return { destination, lines };
}

/** `admin`: opens the back office with this sign-in. */
export async function startBrowserShop(options: { admin?: AdminCredentials } = {}): Promise<BrowserShop> {
  // Deliveries every 100 ms: an ATM payment reaches the shop within a reload or two. The bank's
  // timeout is the shop's default, so that a machine busy with six browsers is not taken for a bank
  // that does not answer.
  const warnings = keptWarnings();
  const [shop, browser] = await Promise.all([
    startShopHarness({ notifyIntervalMs: 100 }, { admin: options.admin, bankTimeoutMs: BANK_TIMEOUT_MS, logDestination: warnings.destination }),
    launchChromium(),
  ]);
  await seedProducts(shop.db);
  return {
    shop,
    browser,
    async newPage(test, options = DESKTOP) {
      const context = await browser.newContext(options);
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      const accessibilityProblems = checkEveryPage(page, shop.baseUrl);
      test.onTestFinished(async ({ task }) => {
        // A failed test leaves a picture of where it stopped, and prints what the shop warned of
        // meanwhile: a CI run keeps only what it printed.
        if (task.result?.state === 'fail') {
          await screenshot(page, `FAILED ${task.name}`.replace(/[^\w-]+/g, '-')).catch(() => {});
          console.error(`The shop's last warnings and errors:\n${warnings.lines.join('')}`);
        }
        const problems = await accessibilityProblems();
        await context.close();
        // Fails the test: every page of the shop it visited must pass axe-core.
        if (problems.length > 0) throw new Error(`axe-core found violations:\n${problems.join('\n')}`);
      });
      return page;
    },
    async close() {
      await browser.close();
      await shop.close();
    },
  };
}

export interface BrowserBackOffice {
  harness: AdminHarness;
  /** Where the harness's app listens, on a free loopback port. */
  baseUrl: string;
  browser: Browser;
  /**
   * Signs the page in as the harness's merchant. Sign-ins take turns: a second sign-in of one name
   * from one address while the first is being checked is answered 429 (src/admin/hashing-gate.ts).
   */
  signIn(page: Page): Promise<void>;
  close(): Promise<void>;
}

/** The back-office harness (the shop's app with /admin, the sandbox, a database) on a free port, and one Chromium. */
export async function startBrowserBackOffice(): Promise<BrowserBackOffice> {
  const [harness, browser] = await Promise.all([startAdminHarness(), launchChromium()]);
  const server = createServer(harness.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signInNow = async (page: Page) => {
    await page.goto(`${baseUrl}/admin/login`);
    await page.fill('#username', ADMIN_USERNAME);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('[data-testid="login-submit"]');
    await page.waitForURL(`${baseUrl}/admin/orders`);
  };
  let signedIn: Promise<unknown> = Promise.resolve();
  return {
    harness,
    baseUrl,
    browser,
    signIn(page) {
      const turn = signedIn.then(() => signInNow(page));
      signedIn = turn.catch(() => undefined);
      return turn;
    },
    async close() {
      await browser.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await harness.close();
    },
  };
}

/**
 * Saves the page as a test artifact (full page); with UPDATE_SCREENSHOTS=1 and a `docName`, also
 * the viewport as docs/screenshots/<docName>.png for the README.
 */
export async function capture(page: Page, name: string, docName?: string): Promise<void> {
  await screenshot(page, name);
  if (docName && UPDATE_SCREENSHOTS) {
    mkdirSync(DOC_SCREENSHOT_DIR, { recursive: true });
    // No focus ring or blinking caret in the README's pictures, and the page's top, not the last field filled.
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      window.scrollTo(0, 0);
    });
    await page.screenshot({ path: `${DOC_SCREENSHOT_DIR}/${docName}.png` });
  }
}

export const text = async (page: Page, testId: string) => (await page.getByTestId(testId).first().innerText()).trim();

/** Catalog → product page → "add to cart": ends on the cart page holding the product. */
export async function addToCart(page: Page, shop: ShopHarness, slug: string): Promise<void> {
  await page.goto(`${shop.baseUrl}/`);
  const card = page.locator(`[data-testid="product-card"][data-slug="${slug}"]`);
  const name = (await card.getByTestId('product-name').innerText()).trim();
  await card.getByTestId('product-name').click();
  await page.waitForURL(`${shop.baseUrl}/products/${slug}`);
  expect(await text(page, 'product-name')).toBe(name);
  await page.getByTestId('add-to-cart').click();
  await page.waitForURL(`${shop.baseUrl}/cart`);
  expect(await page.getByTestId('cart-line-name').allInnerTexts()).toEqual([name]);
}

/** From the cart: opens checkout and fills the shopper's details and the payment method. */
export async function fillCheckout(page: Page, shop: ShopHarness, payType: 'card' | 'atm'): Promise<void> {
  await page.getByTestId('go-to-checkout').click();
  await page.waitForURL(`${shop.baseUrl}/checkout`);
  await page.locator('#name').fill(SHOPPER.name);
  await page.locator('#email').fill(SHOPPER.email);
  await page.locator('#phone').fill(SHOPPER.phone);
  await page.locator('#postcode').fill(SHOPPER.postcode);
  await page.locator('#city').selectOption(SHOPPER.city);
  await page.locator('#district').fill(SHOPPER.district);
  await page.locator('#street').fill(SHOPPER.street);
  await page.locator(`#payType-${payType}`).check();
}

/** Submits the checkout form; a card order lands on the sandbox's hosted card page. */
export async function placeCardOrder(page: Page, shop: ShopHarness): Promise<void> {
  await page.getByTestId('place-order').click();
  await page.waitForURL(`${shop.sandbox.origin}/QPay.WebPaySite/Bridge/PayCard?**`);
  await page.getByRole('heading', { level: 1, name: '信用卡付款', exact: true }).waitFor();
}

export async function fillCardPage(page: Page, card: typeof GOOD_CARD): Promise<void> {
  await page.locator('#CardNo').fill(card.number);
  await page.locator('#CardExpiry').fill(card.expiry);
  await page.locator('#CardCVV').fill(card.cvv);
}

/**
 * Pays on the card page; the sandbox's return page submits itself back to the shop, which shows
 * its result page. Returns the order's id from that page's address.
 */
export async function submitCardPage(page: Page, shop: ShopHarness): Promise<string> {
  await page.locator('#PayButton').click();
  const resultUrl = new RegExp(`^${shop.baseUrl.replace(/[.]/g, '\\.')}/orders/([0-9a-f-]+)/result$`);
  await page.waitForURL(resultUrl);
  return resultUrl.exec(page.url())![1]!;
}

/** What overflows a page sideways: the document's width against the window's. */
export function horizontalFit(page: Page) {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

/** Controls smaller than 44×44 CSS px on the page: buttons, form fields and navbar links. */
export async function smallTapTargets(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, .btn, input:not([type=hidden]), select, .nav-link, .navbar-toggler, .tap-link'))
      .filter((element) => element.offsetParent !== null && !(element instanceof HTMLInputElement && ['radio', 'checkbox'].includes(element.type)))
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.height < 44 || box.width < 44)
      .map(({ element, box }) => `${element.outerHTML.slice(0, 80)} ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
}
