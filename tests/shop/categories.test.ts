// Category pages, the navbar's list of them, and what a product's page says once it is sold out or
// taken off sale.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopApp, type ShopApp } from '../support/shop-app';

let shop: ShopApp;
beforeAll(async () => {
  shop = await startShopApp();
});
afterAll(async () => {
  await shop.close();
});

const slugsIn = (html: string) => [...html.matchAll(/data-testid="product-card" data-slug="([^"]+)"/g)].map((m) => m[1]!);

describe('categories', () => {
  it('lists a category\'s active products, in each order', async () => {
    const res = await request(shop.app).get('/categories/tea');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<h1[^>]*>茶<\/h1>/);
    expect(slugsIn(res.text).sort()).toEqual(['alishan-oolong', 'bubble-tea-kit', 'sun-moon-lake-black-tea', 'yingge-ceramic-cup']);
    const cheapest = await request(shop.app).get('/categories/tea?sort=price-asc');
    expect(slugsIn(cheapest.text)).toEqual(['bubble-tea-kit', 'sun-moon-lake-black-tea', 'yingge-ceramic-cup', 'alishan-oolong']);

    // A product on several shelves is on each of their pages.
    for (const category of await shop.db.category.findMany({ include: { products: { include: { product: true } } } })) {
      const page = await request(shop.app).get(`/categories/${category.slug}`).query({ lang: 'en' });
      expect(page.status).toBe(200);
      expect(page.text).toContain(`>${category.nameEn}</h1>`);
      const expected = category.products.filter((link) => link.product.status === 'active').map((link) => link.product.slug);
      expect(slugsIn(page.text).sort(), category.slug).toEqual(expected.sort());
    }
  });

  it('lists the categories in the navbar, marking the one open', async () => {
    const res = await request(shop.app).get('/categories/tea');
    const categories = await shop.db.category.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
    expect(categories.length).toBeGreaterThan(1);
    const links = [...res.text.matchAll(/<a class="dropdown-item" href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual(categories.map((category) => `/categories/${category.slug}`));
    expect(res.text).toContain('href="/categories/tea" aria-current="page"');
    expect((await request(shop.app).get('/cart')).text).toContain('href="/categories/tea"');
  });

  it('answers 404 for a category that does not exist, and redirects pages past its end', async () => {
    for (const path of ['/categories/no-such-shelf', '/categories/TEA', '/categories/%00', `/categories/${'a'.repeat(300)}`]) {
      expect((await request(shop.app).get(path)).status, path).toBe(404);
    }
    const past = await request(shop.app).get('/categories/tea?page=7&sort=price-desc');
    expect(past.status).toBe(302);
    expect(past.headers.location).toBe('/categories/tea?sort=price-desc');
  });

  it('shows an empty category as empty, not as an error', async () => {
    await shop.db.category.create({ data: { slug: 'empty-shelf', nameZh: '空的分類', nameEn: 'Empty shelf', position: 99 } });
    const res = await request(shop.app).get('/categories/empty-shelf');
    expect(res.status).toBe(200);
    expect(res.text).toContain('這個分類目前沒有上架的商品。');
  });
});

describe('a product off sale', () => {
  it('shows a sold-out product as sold out, with nothing to add to the cart', async () => {
    await shop.db.product.update({ where: { slug: 'yingge-ceramic-cup' }, data: { stock: 0 } });
    const page = await request(shop.app).get('/products/yingge-ceramic-cup');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="product-sold-out"');
    expect(page.text).toMatch(/<button class="btn btn-outline-secondary" type="button" disabled data-testid="sold-out">已售完<\/button>/);
    expect(page.text).not.toContain('data-testid="add-to-cart"');
    const list = await request(shop.app).get('/categories/crafts');
    const card = list.text.slice(list.text.indexOf('data-slug="yingge-ceramic-cup"'));
    expect(card.slice(0, card.indexOf('</form>'))).toContain('disabled data-testid="sold-out"');
  });

  it('answers 410 for an archived product, pointing to its category and the catalogue', async () => {
    await shop.db.product.update({ where: { slug: 'alishan-oolong' }, data: { status: 'archived' } });
    const res = await request(shop.app).get('/products/alishan-oolong').set('Accept-Language', 'en');
    expect(res.status).toBe(410);
    expect(res.text).toContain('Alishan High-Mountain Oolong, 150 g is no longer sold');
    expect(res.text).toContain('href="/categories/tea"');
    expect(res.text).toContain('href="/" data-testid="gone-catalogue"');
    expect(slugsIn((await request(shop.app).get('/categories/tea')).text)).not.toContain('alishan-oolong');
  });

  it('answers 404 for a draft, as for a product that does not exist', async () => {
    await shop.db.product.update({ where: { slug: 'mullet-roe' }, data: { status: 'draft' } });
    expect((await request(shop.app).get('/products/mullet-roe')).status).toBe(404);
  });

  it('shows every photo of a product: the first large, the others as thumbnails', async () => {
    const product = await shop.db.product.findUniqueOrThrow({ where: { slug: 'hakka-floral-tote' }, include: { photos: true } });
    expect(product.photos.length).toBeGreaterThan(0);
    await shop.db.productPhoto.createMany({
      data: [2, 1].map((position) => ({ productId: product.id, position, contentHash: `${position}`.repeat(16), mime: 'image/png', width: 800, height: 600 })),
    });
    const res = await request(shop.app).get('/products/hakka-floral-tote');
    const gallery = res.text.slice(res.text.indexOf('data-testid="product-photos"'), res.text.indexOf('data-testid="product-name"'));
    const images = [...gallery.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]);
    expect(images).toHaveLength(product.photos.length + 2);
    expect(images[0]).toMatch(/-page\.webp$/);
    expect(images.slice(-2)).toEqual([expect.stringMatching(/-1111111111111111-thumb\.webp$/), expect.stringMatching(/-2222222222222222-thumb\.webp$/)]);
    expect(res.text).toContain('alt="客家花布托特包"');
  });
});
