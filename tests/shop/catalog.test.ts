import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProducts } from '../../src/catalog/seed';
import { createDatabase } from '../../src/db/prisma';
import { createTestDatabase } from '../support/test-database';
import { startShopApp, type ShopApp } from '../support/shop-app';

describe('catalog', () => {
  let shop: ShopApp;
  beforeAll(async () => {
    shop = await startShopApp();
  });
  afterAll(async () => {
    await shop.close();
  });

  it('lists every seeded product in zh-TW by default', async () => {
    const res = await request(shop.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text.match(/data-testid="product-card"/g)).toHaveLength(12);
    expect(res.text).toContain('阿里山高山烏龍茶 150g');
    expect(res.text).toContain('NT$1,280');
    expect(res.text).toContain('加入購物車');
  });

  it('lists the products in English when asked', async () => {
    const res = await request(shop.app).get('/?lang=en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alishan High-Mountain Oolong, 150 g');
    expect(res.text).toContain('Add to cart');
    expect(res.text).not.toContain('阿里山高山烏龍茶');
  });

  it('shows a product page with its description and price', async () => {
    const res = await request(shop.app).get('/products/pineapple-cake-box').set('Accept-Language', 'en');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Native Pineapple Cakes, gift box of 12');
    expect(res.text).toContain('native Guanmiao pineapples');
    expect(res.text).toMatch(/data-testid="product-price">NT\$480</);
  });

  it('answers 404 for a product that does not exist', async () => {
    const res = await request(shop.app).get('/products/no-such-thing');
    expect(res.status).toBe(404);
  });

  it('shows each product with its first photo, its size declared, served for a year under its content hash', async () => {
    const page = await request(shop.app).get('/');
    const img = /<img src="(\/photos\/\d+-[0-9a-f]{16}-list\.webp)" width="400" height="300" class="[^"]*" alt="阿里山高山烏龍茶 150g"/.exec(page.text);
    expect(img).not.toBeNull();
    const res = await request(shop.app).get(img![1]!).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((res.body as Buffer).subarray(8, 12).toString('latin1')).toBe('WEBP');

    // Another hash, size or photo names nothing.
    for (const wrong of [img![1]!.replace(/-[0-9a-f]{16}-/, '-0000000000000000-'), img![1]!.replace('-list.', '-huge.'), '/photos/999999-0000000000000000-list.webp']) {
      expect((await request(shop.app).get(wrong)).status).toBe(404);
    }
  });

  it('shows every photo of a product on its page, at page size', async () => {
    const res = await request(shop.app).get('/products/pineapple-cake-box');
    expect(res.text).toMatch(/<img src="\/photos\/\d+-[0-9a-f]{16}-page\.webp" width="1000" height="750" class="[^"]*" alt="土鳳梨酥禮盒（12入）">/);
  });

  it('seeds the demo products on shelves', async () => {
    const categories = await shop.db.category.findMany({ orderBy: { position: 'asc' }, include: { _count: { select: { products: true } } } });
    expect(categories.map((category) => category.slug)).toEqual(['tea', 'snacks', 'pantry', 'crafts']);
    for (const category of categories) expect(category._count.products).toBeGreaterThan(1);
  });

  it('seeds only an empty product table', async () => {
    expect(await seedProducts(shop.db)).toBe(0);
    expect(await shop.db.product.count()).toBe(12);
  });

  it('is seeded once when several processes start on a new database at the same time', async () => {
    const fresh = await createTestDatabase();
    const other = createDatabase(fresh.url);
    try {
      const seeded = await Promise.all([seedProducts(fresh.db), seedProducts(other), seedProducts(fresh.db)]);
      expect(seeded.sort()).toEqual([0, 0, 12]);
      expect(await fresh.db.product.count()).toBe(12);
      expect(await fresh.db.productPhoto.count()).toBe(12);
      expect(await fresh.db.category.count()).toBe(4);
    } finally {
      await other.$disconnect();
      await fresh.drop();
    }
  });
});
