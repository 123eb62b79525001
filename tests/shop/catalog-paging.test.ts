// The catalogue in pages of 24, in three orders, each ending on the id so that no product is shown
// twice or skipped from one page to the next; addresses past the end or not written by the shop
// are redirected, never an error.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_SIZE } from '../../src/catalog/listing';
import { startShopApp, type ShopApp } from '../support/shop-app';

let shop: ShopApp;
const EXTRA = 50;

beforeAll(async () => {
  shop = await startShopApp();
  // Products sharing a price and a creation time, so only the id can order them.
  const createdAt = new Date('2026-12-01T00:00:00Z');
  await shop.db.product.createMany({
    data: Array.from({ length: EXTRA }, (_, i) => ({
      slug: `paging-${String(i).padStart(2, '0')}`,
      nameZh: `分頁測試 ${i}`,
      nameEn: `Paging test ${i}`,
      descriptionZh: '測試用',
      descriptionEn: 'For tests',
      priceTwd: 100 + (i % 5) * 100,
      stock: 5,
      createdAt,
    })),
  });
  await shop.db.product.create({
    data: { slug: 'paging-draft', nameZh: '草稿', nameEn: 'Draft', descriptionZh: '', descriptionEn: '', priceTwd: 1, stock: 1, status: 'draft' },
  });
});
afterAll(async () => {
  await shop.close();
});

const slugsIn = (html: string) => [...html.matchAll(/data-testid="product-card" data-slug="([^"]+)"/g)].map((m) => m[1]!);

async function allPages(path: string, sort?: string): Promise<string[][]> {
  const pages: string[][] = [];
  for (let page = 1; ; page++) {
    const res = await request(shop.app).get(path).query({ ...(sort && { sort }), ...(page > 1 && { page }) });
    expect(res.status).toBe(200);
    pages.push(slugsIn(res.text));
    if (!res.text.includes('data-testid="page-next"')) return pages;
  }
}

describe('catalogue pages', () => {
  it('shows every active product exactly once across its pages, in each order', async () => {
    const active = await shop.db.product.findMany({ where: { status: 'active' } });
    expect(active).toHaveLength(12 + EXTRA);
    const byPrice = (direction: 1 | -1) =>
      [...active].sort((a, b) => direction * (a.priceTwd - b.priceTwd) || a.id - b.id).map((p) => p.slug);
    const newest = [...active].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id).map((p) => p.slug);
    for (const [sort, expected] of [[undefined, newest], ['newest', newest], ['price-asc', byPrice(1)], ['price-desc', byPrice(-1)]] as const) {
      const pages = await allPages('/', sort);
      expect(pages.map((page) => page.length), sort).toEqual([PAGE_SIZE, PAGE_SIZE, 12 + EXTRA - 2 * PAGE_SIZE]);
      expect(pages.flat(), sort).toEqual(expected);
    }
  });

  it('links its pages and orders accessibly, keeping the order from page to page', async () => {
    const res = await request(shop.app).get('/?sort=price-asc&page=2').set('Accept-Language', 'en');
    expect(res.text).toMatch(/<nav class="mt-4" aria-label="Pages"/);
    expect(res.text).toContain('href="/?sort=price-asc&amp;page=3" rel="next"');
    expect(res.text).toContain('href="/?sort=price-asc" rel="prev"');
    expect(res.text).toMatch(/aria-current="page" aria-label="Page 2">2</);
    expect(res.text).toContain('href="/?sort=price-asc" aria-current="true" data-testid="sort-price-asc"');
    expect(res.text).toContain('Products: 62 · page 2 of 3');
    expect(res.text).toContain('<title>All products · Page 2 · Fengshou Shop</title>');
  });

  it('declares every picture\'s size, and loads those below the first row lazily', async () => {
    const res = await request(shop.app).get('/');
    const images = [...res.text.matchAll(/<img [^>]*class="card-img-top[^>]*>/g)].map((m) => m[0]);
    expect(images).toHaveLength(12);
    for (const image of images) expect(image).toMatch(/ width="\d+" height="\d+" /);
    expect(images.map((image) => image.includes('loading="lazy"'))).toEqual([...Array(4).fill(false), ...Array(8).fill(true)]);
  });

  it('redirects addresses past the last page or not written by the shop, never an error', async () => {
    const cases: Array<[string, string]> = [
      ['/?page=4', '/?page=3'],
      ['/?page=999999&sort=price-desc', '/?sort=price-desc&page=3'],
      ['/?page=0', '/'],
      ['/?page=-2', '/'],
      ['/?page=abc', '/'],
      ['/?page=2.5', '/'],
      ['/?page=1e3', '/'],
      ['/?page=%00', '/'],
      ['/?page=1&page=2', '/'],
      ['/?sort=cheap&page=2', '/?page=2'],
      ['/?sort=__proto__', '/'],
    ];
    for (const [path, location] of cases) {
      const res = await request(shop.app).get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toBe(location);
    }
    expect((await request(shop.app).get('/?page=1')).status).toBe(200);
  });
});
