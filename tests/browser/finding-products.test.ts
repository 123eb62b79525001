// The shopper finding products in real Chromium, on a desktop (1280×800) and a phone (390×844):
// a search in Chinese from the navbar, its second page, a category from the navbar's list. Every
// page is checked with axe-core, for tap targets and for anything wider than the screen; a phone
// shows two products a row, and list pictures load lazily with their sizes declared.
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src/catalog/listing';
import { expectAccessible } from '../support/axe';
import { browserAvailable } from '../support/browser';
import { DESKTOP, PHONE, capture, horizontalFit, smallTapTargets, startBrowserShop, type BrowserShop } from '../support/browser-shop';

const SCREENS: Array<[string, BrowserContextOptions, number]> = [['desktop', DESKTOP, 4], ['phone', PHONE, 2]];
const EXTRA_TEAS = 30;

async function checkPage(page: Page): Promise<void> {
  const where = new URL(page.url()).pathname;
  await expectAccessible(page);
  expect(await smallTapTargets(page), `small tap targets on ${where}`).toEqual([]);
  const { scrollWidth, innerWidth } = await horizontalFit(page);
  expect(scrollWidth, `document width on ${where}`).toBeLessThanOrEqual(innerWidth);
}

/** How many product cards share the first row of the list. */
async function cardsInFirstRow(page: Page): Promise<number> {
  const tops = await page.getByTestId('product-card').evaluateAll((cards) => cards.map((card) => Math.round(card.getBoundingClientRect().top)));
  return tops.filter((top) => top === tops[0]).length;
}

/** On a phone the navbar's links are behind the menu button. */
async function openMenu(page: Page, phone: boolean): Promise<void> {
  if (!phone) return;
  await page.getByTestId('menu-button').click();
  await page.locator('#main-nav.show').waitFor();
}

describe.skipIf(!browserAvailable).concurrent('the shopper finding products', { timeout: 90_000 }, () => {
  let env: BrowserShop;

  beforeAll(async () => {
    env = await startBrowserShop();
    // Enough teas for a second page of results, on the tea shelf, each with a photo of its own.
    const tea = await env.shop.db.category.findUniqueOrThrow({ where: { slug: 'tea' } });
    const photo = await env.shop.db.productPhoto.findFirstOrThrow({ where: { product: { slug: 'alishan-oolong' } }, include: { variants: true } });
    for (let i = 1; i <= EXTRA_TEAS; i++) {
      await env.shop.db.product.create({
        data: {
          slug: `oolong-sampler-${i}`,
          nameZh: `凍頂烏龍茶試飲包 ${i} 號`,
          nameEn: `Dongding Oolong Sampler No. ${i}`,
          descriptionZh: '試飲包。',
          descriptionEn: 'A sampler.',
          priceTwd: 100 + i,
          stock: 10,
          categories: { create: { categoryId: tea.id } },
          photos: {
            create: {
              position: 0,
              contentHash: `${photo.contentHash.slice(0, 13)}${String(i).padStart(3, '0')}`,
              mime: photo.mime,
              width: photo.width,
              height: photo.height,
              variants: { create: photo.variants.map(({ size, width, height, bytes }) => ({ size, width, height, bytes })) },
            },
          },
        },
      });
    }
  });
  afterAll(() => env?.close());

  for (const [screen, options, perRow] of SCREENS) {
    it(`on a ${screen}: searches in Chinese, goes to page 2, opens a category`, async ({ onTestFinished }) => {
      const { shop } = env;
      const phone = screen === 'phone';
      const page = await env.newPage({ onTestFinished }, options);
      await page.goto(`${shop.baseUrl}/`);
      expect(await cardsInFirstRow(page)).toBe(perRow);

      // Search from the navbar.
      await openMenu(page, phone);
      await page.getByTestId('nav-search').fill('烏龍');
      await page.getByTestId('nav-search').press('Enter');
      await page.waitForURL(`${shop.baseUrl}/search?q=%E7%83%8F%E9%BE%8D`);
      expect(await page.getByTestId('listing-count').innerText()).toBe(`「烏龍」的搜尋結果：${EXTRA_TEAS + 1} 件`);
      expect(await page.getByTestId('product-card').count()).toBe(PAGE_SIZE);
      expect(await cardsInFirstRow(page)).toBe(perRow);
      expect(await page.locator('#search-page-q').inputValue()).toBe('烏龍');
      // List pictures: lazy below the first row, with their size declared, so nothing moves as they arrive.
      const images = await page.locator('[data-testid="product-card"] img').evaluateAll((imgs) =>
        imgs.map((img) => ({ lazy: img.getAttribute('loading') === 'lazy', width: img.getAttribute('width'), height: img.getAttribute('height') })),
      );
      expect(images).toHaveLength(PAGE_SIZE);
      images.forEach((image, i) => expect(image).toEqual({ lazy: i >= 4, width: expect.stringMatching(/^\d+$/), height: expect.stringMatching(/^\d+$/) }));
      await checkPage(page);

      // Its second page.
      await page.getByTestId('page-2').click();
      await page.waitForURL(`${shop.baseUrl}/search?q=%E7%83%8F%E9%BE%8D&page=2`);
      expect(await page.getByTestId('product-card').count()).toBe(EXTRA_TEAS + 1 - PAGE_SIZE);
      expect(await page.locator('[aria-current="page"]').innerText()).toBe('2');
      await checkPage(page);
      await capture(page, `finding-search-page-2-${screen}`);

      // A category from the navbar.
      await openMenu(page, phone);
      await page.getByTestId('nav-categories').click();
      await page.getByTestId('nav-category').filter({ hasText: /^茶$/ }).click();
      await page.waitForURL(`${shop.baseUrl}/categories/tea`);
      expect(await page.getByTestId('listing-title').innerText()).toBe('茶');
      expect(await page.getByTestId('product-card').count()).toBe(PAGE_SIZE);
      expect(await cardsInFirstRow(page)).toBe(perRow);
      await page.getByTestId('sort-price-asc').click();
      await page.waitForURL(`${shop.baseUrl}/categories/tea?sort=price-asc`);
      expect(await page.getByTestId('product-name').first().innerText()).toBe('凍頂烏龍茶試飲包 1 號');
      await checkPage(page);
      await capture(page, `finding-category-${screen}`);
    });
  }
});
