import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProducts } from '../../src/catalog/seed';
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

  it('serves the product images', async () => {
    const res = await request(shop.app).get('/static/img/products/alishan-oolong.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
  });

  it('seeds only an empty product table', async () => {
    expect(await seedProducts(shop.db)).toBe(0);
    expect(await shop.db.product.count()).toBe(12);
  });
});
