// Search over the seeded products' real names: Chinese queries of one, two and more characters,
// parts of English words, full-width letters and any case, and input no shopper would type.
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

async function search(q: string) {
  const res = await request(shop.app).get('/search').query({ q });
  expect(res.status, q).toBe(200);
  return res;
}
const found = async (q: string) => slugsIn((await search(q)).text).sort();

describe('search', () => {
  it('finds Chinese names by one, two or more characters of them', async () => {
    expect(await found('茶')).toEqual(['alishan-oolong', 'bubble-tea-kit', 'sun-moon-lake-black-tea']);
    expect(await found('烏')).toEqual(['alishan-oolong', 'mullet-roe']);
    expect(await found('芒果')).toEqual(['dried-irwin-mango']);
    expect(await found('紅茶')).toEqual(['sun-moon-lake-black-tea']);
    expect(await found('烏龍茶')).toEqual(['alishan-oolong']);
    expect(await found('土鳳梨酥')).toEqual(['pineapple-cake-box']);
    expect(await found('鳳梨蛋糕')).toEqual([]);
  });

  it('finds English names by part of a word, in any case and width', async () => {
    expect(await found('oolo')).toEqual(['alishan-oolong']);
    expect(await found('mang')).toEqual(['dried-irwin-mango']);
    expect(await found('TEA')).toEqual(['bubble-tea-kit', 'sun-moon-lake-black-tea']);
    expect(await found('ＭＡＮＧＯ')).toEqual(['dried-irwin-mango']);
    expect(await found('ｍａｎｇｏ')).toEqual(['dried-irwin-mango']);
    expect(await found('１５０ｇ')).toEqual(['alishan-oolong']);
    // Full-width brackets in the name, half-width in the query.
    expect(await found('(12入)')).toEqual(['pineapple-cake-box']);
  });

  it('wants every word typed, in either language', async () => {
    expect(await found('台南 mango')).toEqual(['dried-irwin-mango']);
    expect(await found('tea  kit')).toEqual(['bubble-tea-kit']);
    expect(await found('芒果 tea')).toEqual([]);
  });

  it('says what it found, and keeps the words in the search box', async () => {
    const res = await search('芒果');
    expect(res.text).toContain('「芒果」的搜尋結果：1 件');
    expect(res.text).toContain('value="芒果"');
    const none = await request(shop.app).get('/search').query({ q: 'durian', lang: 'en' });
    expect(none.text).toContain('No products match “durian”');
  });

  it('shows only what is on sale', async () => {
    await shop.db.product.update({ where: { slug: 'mullet-roe' }, data: { status: 'archived' } });
    await shop.db.product.update({ where: { slug: 'alishan-oolong' }, data: { status: 'draft' } });
    try {
      expect(await found('烏')).toEqual([]);
    } finally {
      await shop.db.product.updateMany({ where: { slug: { in: ['mullet-roe', 'alishan-oolong'] } }, data: { status: 'active' } });
    }
  });

  it('answers an empty, overlong or hostile search with a page, never an error', async () => {
    const empty = await search('');
    expect(empty.text).toContain('data-testid="search-prompt"');
    expect(slugsIn(empty.text)).toEqual([]);
    expect(slugsIn((await search('   ')).text)).toEqual([]);
    for (const q of ['%', '_', '\\', '%%%', "' OR 1=1 --", '"; DROP TABLE "Product"; --', '\u0000', '\u0007', '<script>alert(1)</script>', '😀', '\uFFFF']) {
      const res = await search(q);
      expect(slugsIn(res.text), q).toEqual([]);
    }
    expect((await search('<script>alert(1)</script>')).text).not.toContain('<script>alert(1)');
    expect(await found('烏\u0000龍')).toEqual(['alishan-oolong']);
    const long = await request(shop.app).get('/search').query({ q: '茶'.repeat(1000) });
    expect(long.status).toBe(302);
    expect(decodeURIComponent(long.headers.location!)).toBe(`/search?q=${'茶'.repeat(100)}`);
    const twice = await request(shop.app).get('/search?q=茶&q=芒果');
    expect(twice.status).toBe(302);
    const nested = await request(shop.app).get('/search?q[a]=1');
    expect([200, 302]).toContain(nested.status);
    expect((await request(shop.app).get('/search?q=%E0%A4%A')).status).toBe(200);
    expect(await shop.db.product.count()).toBe(12);
  });

  it('pages and sorts its results', async () => {
    const res = await request(shop.app).get('/search').query({ q: '茶', sort: 'price-asc' });
    expect(slugsIn(res.text)).toEqual(['bubble-tea-kit', 'sun-moon-lake-black-tea', 'alishan-oolong']);
    const past = await request(shop.app).get('/search').query({ q: '茶', page: 5 });
    expect(past.status).toBe(302);
    expect(past.headers.location).toBe('/search?q=%E8%8C%B6');
  });
});
