// The merchant's catalogue in the back office: the product list (search, filters, pages), creating
// and editing products with their shelves, archiving, and the shelves' own page. Photos and stock
// have their own files (product-photos.test.ts, stock.test.ts).
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminBrowser, hiddenField, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { createOrder } from '../support/shop-fixtures';
import { Shopper } from '../support/shop-app';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

const NEW_PRODUCT = {
  nameZh: '台東釋迦 1.2kg',
  nameEn: 'Taitung Sugar Apple, 1.2 kg',
  descriptionZh: '鳳梨釋迦，香甜多汁。\n冷藏可放三天。',
  descriptionEn: 'Pineapple sugar apples: sweet and juicy.\nKeeps three days chilled.',
  slug: '',
  priceTwd: '1,050',
  stock: '12',
  status: 'active',
};

const rowSlugs = (html: string) => [...html.matchAll(/data-testid="admin-product-row" data-slug="([^"]+)"/g)].map((match) => match[1]);
const productBySlug = (slug: string) => h.db.product.findUniqueOrThrow({ where: { slug }, include: { categories: true, stockChanges: true } });
const categoryId = async (slug: string) => (await h.db.category.findUniqueOrThrow({ where: { slug } })).id;

describe('the product pages need a signed-in merchant and the CSRF token', () => {
  it('sends a visitor to the sign-in page and changes nothing', async () => {
    const visitor = new AdminBrowser(h.app);
    expect((await visitor.agent.get('/admin/products')).headers.location).toBe('/admin/login?next=%2Fadmin%2Fproducts');
    const tea = await productBySlug('alishan-oolong');
    for (const path of ['/admin/products', `/admin/products/${tea.id}`, `/admin/products/${tea.id}/stock`, '/admin/categories']) {
      const res = await visitor.post(path, { ...NEW_PRODUCT, slug: 'from-a-visitor', delta: '5', reason: 'restock', nameZh: '架', nameEn: 'Shelf', position: '9' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/admin/login');
    }
    expect(await h.db.product.count({ where: { slug: 'from-a-visitor' } })).toBe(0);
    expect(await h.db.category.count({ where: { slug: 'shelf' } })).toBe(0);
    expect((await productBySlug('alishan-oolong')).stock).toBe(tea.stock);
  });

  it('refuses a signed-in post without the token', async () => {
    const res = await admin.agent.post('/admin/products').type('form').send({ ...NEW_PRODUCT, slug: 'no-token' });
    expect(res.status).toBe(403);
    expect(await h.db.product.count({ where: { slug: 'no-token' } })).toBe(0);
  });
});

describe('the product list', () => {
  it('shows each product with its photo, price, stock and state, newest first', async () => {
    const res = await admin.agent.get('/admin/products?lang=en');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(rowSlugs(res.text)).toHaveLength(12);
    const row = /<tr data-testid="admin-product-row" data-slug="alishan-oolong">([\s\S]*?)<\/tr>/.exec(res.text)![1]!;
    expect(row).toMatch(/<img src="\/photos\/\d+-[0-9a-f]{16}-thumb\.webp" width="160" height="120"[^>]*alt="Alishan High-Mountain Oolong, 150 g"/);
    expect(row).toContain('NT$1,280');
    expect(row).toMatch(/data-testid="row-stock">40/);
    expect(row).toContain('Active');
  });

  it('finds products by either name, in any case or width, and by slug', async () => {
    for (const [q, slug] of [['烏龍', 'alishan-oolong'], ['OOLONG', 'alishan-oolong'], ['ｏｏｌｏｎｇ', 'alishan-oolong'], ['sesame-oil', 'beigang-sesame-oil'], ['鳳梨酥', 'pineapple-cake-box']]) {
      const res = await admin.agent.get(`/admin/products?q=${encodeURIComponent(q!)}`);
      expect(rowSlugs(res.text), q).toEqual([slug]);
    }
    const none = await admin.agent.get('/admin/products?q=durian');
    expect(none.text).toContain('data-testid="no-products"');
  });

  it('filters sold-out, low-stock, draft and archived products', async () => {
    await h.db.product.update({ where: { slug: 'mullet-roe' }, data: { stock: 0 } });
    await h.db.product.update({ where: { slug: 'hakka-floral-tote' }, data: { stock: 3 } });
    await h.db.product.update({ where: { slug: 'nougat-crackers' }, data: { status: 'draft' } });
    await h.db.product.update({ where: { slug: 'taiwan-cypress-soap' }, data: { status: 'archived' } });
    try {
      expect(rowSlugs((await admin.agent.get('/admin/products?show=sold_out')).text)).toEqual(['mullet-roe']);
      expect(rowSlugs((await admin.agent.get('/admin/products?show=low_stock')).text)).toEqual(['hakka-floral-tote']);
      expect(rowSlugs((await admin.agent.get('/admin/products?show=draft')).text)).toEqual(['nougat-crackers']);
      expect(rowSlugs((await admin.agent.get('/admin/products?show=archived')).text)).toEqual(['taiwan-cypress-soap']);
      const everyday = rowSlugs((await admin.agent.get('/admin/products')).text);
      expect(everyday).toHaveLength(11);
      expect(everyday).not.toContain('taiwan-cypress-soap');
      expect(rowSlugs((await admin.agent.get('/admin/products?show=active')).text)).toHaveLength(10);
    } finally {
      await h.db.product.update({ where: { slug: 'mullet-roe' }, data: { stock: 15 } });
      await h.db.product.update({ where: { slug: 'hakka-floral-tote' }, data: { stock: 20 } });
      await h.db.product.updateMany({ where: { slug: { in: ['nougat-crackers', 'taiwan-cypress-soap'] } }, data: { status: 'active' } });
    }
  });

  it('pages through many products, keeping the search in the page links', async () => {
    await h.db.product.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({
        slug: `paging-tea-${i}`, nameZh: `分頁茶 ${i}`, nameEn: `Paging tea ${i}`, descriptionZh: '', descriptionEn: '', priceTwd: 100 + i, stock: 5 + i, status: 'draft' as const,
      })),
    });
    const first = await admin.agent.get('/admin/products?q=paging-tea');
    expect(rowSlugs(first.text)).toHaveLength(25);
    expect(first.text).toContain('href="/admin/products?q=paging-tea&amp;page=2" rel="next"');
    const second = await admin.agent.get('/admin/products?q=paging-tea&page=2');
    expect(rowSlugs(second.text)).toHaveLength(5);
    expect(new Set([...rowSlugs(first.text), ...rowSlugs(second.text)]).size).toBe(30);
    await h.db.product.deleteMany({ where: { slug: { startsWith: 'paging-tea-' } } });
  });

  it('answers a bad filter with 400, not 500', async () => {
    for (const query of ['show=everything', 'page=0', 'page=abc', 'q=%00']) {
      expect((await admin.agent.get(`/admin/products?${query}`)).status, query).toBe(400);
    }
  });
});

describe('creating a product', () => {
  it('makes the slug from the English name, puts it on its shelves and records its opening stock', async () => {
    const form = await admin.agent.get('/admin/products/new');
    expect(form.status).toBe(200);
    const fruit = await categoryId('snacks');
    const res = await admin.agent.post('/admin/products').type('form').send({ _csrf: hiddenField(form.text, '_csrf'), ...NEW_PRODUCT, categoryIds: [String(fruit)] });
    expect(res.status).toBe(303);
    const product = await productBySlug('taitung-sugar-apple-1-2-kg');
    expect(res.headers.location).toBe(`/admin/products/${product.id}`);
    expect(product).toMatchObject({ priceTwd: 1050, stock: 12, status: 'active', descriptionZh: '鳳梨釋迦，香甜多汁。\n冷藏可放三天。' });
    expect(product.categories.map((c) => c.categoryId)).toEqual([fruit]);
    expect(product.stockChanges).toMatchObject([{ delta: 12, stockBefore: 0, stockAfter: 12, reason: 'restock', who: 'merchant' }]);

    const page = await admin.agent.get(`${res.headers.location}?lang=en`);
    expect(page.text).toContain('data-notice="admin.product.created"');
    expect(page.text).toMatch(/<input class="form-check-input" type="checkbox" name="categoryIds" value="\d+" id="category-\d+" checked>\s*<label[^>]*>Snacks and gifts/);

    // Active at once, so in the shop.
    expect((await request(h.app).get('/products/taitung-sugar-apple-1-2-kg')).status).toBe(200);
  });

  it('gives the form back with the values kept and each error named', async () => {
    const bad = { ...NEW_PRODUCT, nameZh: '  ', nameEn: 'Guava <b>juice</b>', slug: 'Not A Slug!', priceTwd: '0', stock: '-3', status: 'sold', descriptionEn: 'x'.repeat(4001) };
    const res = await admin.post('/admin/products', bad);
    expect(res.status).toBe(422);
    for (const field of ['nameZh', 'priceTwd', 'stock', 'status', 'descriptionEn']) expect(res.text, field).toContain(`data-testid="error-${field}"`);
    expect(res.text).toContain('value="Guava &lt;b&gt;juice&lt;/b&gt;"');
    expect(res.text).toContain('value="-3"');
    expect(res.text).toContain('data-testid="product-errors"');
    expect(await h.db.product.count({ where: { nameEn: bad.nameEn } })).toBe(0);

    const slugOnly = await admin.post('/admin/products', { ...NEW_PRODUCT, slug: 'Not A Slug!' });
    expect(slugOnly.status).toBe(422);
    expect(slugOnly.text).toContain('data-testid="error-slug"');
    expect(slugOnly.text).toContain('value="Not A Slug!"');
  });

  it('refuses a slug another product has, a name with no letters for a slug, and control characters, with 422', async () => {
    const taken = await admin.post('/admin/products?lang=en', { ...NEW_PRODUCT, slug: 'alishan-oolong' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('Another product has this slug');
    const noSlug = await admin.post('/admin/products?lang=en', { ...NEW_PRODUCT, nameEn: '台灣', slug: '' });
    expect(noSlug.status).toBe(422);
    expect(noSlug.text).toContain('enter a slug');
    const nul = await admin.post('/admin/products', { ...NEW_PRODUCT, nameZh: 'a\u0000b', slug: 'nul-name' });
    expect(nul.status).toBe(422);
    expect(nul.text).toContain('data-testid="error-nameZh"');
    const unknownShelf = await admin.post('/admin/products', { ...NEW_PRODUCT, slug: 'ghost-shelf', categoryIds: '999999' });
    expect(unknownShelf.status).toBe(422);
    expect(unknownShelf.text).toContain('data-testid="error-categoryIds"');
    const notAnId = await admin.post('/admin/products', { ...NEW_PRODUCT, slug: 'bad-shelf', categoryIds: 'tea' });
    expect(notAnId.status).toBe(422);
    expect(await h.db.product.count({ where: { slug: { in: ['nul-name', 'ghost-shelf', 'bad-shelf'] } } })).toBe(0);
  });

  it('keeps a draft out of the shop', async () => {
    const res = await admin.post('/admin/products', { ...NEW_PRODUCT, nameEn: 'Secret draft', slug: '', status: 'draft' });
    expect(res.status).toBe(303);
    expect((await request(h.app).get('/products/secret-draft')).status).toBe(404);
    expect((await request(h.app).get('/?lang=en')).text).not.toContain('Secret draft');
    expect(rowSlugs((await admin.agent.get('/admin/products?show=draft')).text)).toContain('secret-draft');
  });
});

describe('editing a product', () => {
  it('changes its details and shelves, and the shop shows them', async () => {
    const product = await productBySlug('dried-irwin-mango');
    const page = await admin.agent.get(`/admin/products/${product.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="320"');
    const [snacks, pantry] = [await categoryId('snacks'), await categoryId('pantry')];
    const res = await admin.agent.post(`/admin/products/${product.id}`).type('form').send({
      _csrf: hiddenField(page.text, '_csrf'),
      ...NEW_PRODUCT,
      nameZh: '台南愛文芒果乾 250g',
      nameEn: 'Tainan Irwin Mango, dried, 250 g',
      slug: 'dried-irwin-mango',
      priceTwd: '３９０',
      categoryIds: [String(pantry)],
    });
    expect(res.status).toBe(303);
    const saved = await productBySlug('dried-irwin-mango');
    expect(saved).toMatchObject({ nameZh: '台南愛文芒果乾 250g', priceTwd: 390, stock: product.stock });
    expect(saved.categories.map((c) => c.categoryId)).toEqual([pantry]);
    expect(saved.categories.map((c) => c.categoryId)).not.toContain(snacks);
    expect((await request(h.app).get('/products/dried-irwin-mango')).text).toContain('NT$390');
  });

  it('may change the slug until an order names the product, then keeps it', async () => {
    const created = await admin.post('/admin/products', { ...NEW_PRODUCT, nameEn: 'Renamed soon', slug: '' });
    const id = Number(created.headers.location!.split('/').pop());
    const rename = await admin.post(`/admin/products/${id}`, { ...NEW_PRODUCT, nameEn: 'Renamed soon', slug: 'renamed-now' });
    expect(rename.status).toBe(303);
    const product = await h.db.product.findUniqueOrThrow({ where: { id } });
    expect(product.slug).toBe('renamed-now');

    await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'card' });
    const page = await admin.agent.get(`/admin/products/${id}?lang=en`);
    expect(page.text).toMatch(/id="slug" name="slug" type="text" maxlength="100" readonly value="renamed-now"/);
    const locked = await admin.post(`/admin/products/${id}?lang=en`, { ...NEW_PRODUCT, nameEn: 'Renamed soon', slug: 'renamed-again' });
    expect(locked.status).toBe(422);
    expect(locked.text).toContain('its slug can no longer change');
    expect(locked.text).toContain('value="renamed-again"');
    expect((await h.db.product.findUniqueOrThrow({ where: { id } })).slug).toBe('renamed-now');
    // Other details still change.
    expect((await admin.post(`/admin/products/${id}`, { ...NEW_PRODUCT, nameEn: 'Renamed soon', slug: 'renamed-now', priceTwd: '77' })).status).toBe(303);
  });

  it('answers 404 for a product that does not exist and 400 for a bad form', async () => {
    expect((await admin.agent.get('/admin/products/999999')).status).toBe(404);
    expect((await admin.agent.get('/admin/products/abc')).status).toBe(404);
    expect((await admin.agent.get('/admin/products/99999999999999')).status).toBe(404);
    expect((await admin.post('/admin/products/999999', NEW_PRODUCT)).status).toBe(404);
  });
});

describe('archiving a product', () => {
  it('takes it off sale, and its orders, their pages and the shop keep working', async () => {
    const shopper = new Shopper(h.app);
    const product = await productBySlug('hualien-peeled-chili');
    await shopper.addToCart(product.id, 2);
    const placed = await shopper.checkout({ payType: 'atm' });
    expect(placed.status).toBe(303);
    const order = await h.db.order.findFirstOrThrow({ where: { lines: { some: { productId: product.id } } }, orderBy: { createdAt: 'desc' } });

    const res = await admin.post(`/admin/products/${product.id}`, {
      ...NEW_PRODUCT, nameZh: product.nameZh, nameEn: product.nameEn, slug: product.slug, priceTwd: String(product.priceTwd), status: 'archived',
    });
    expect(res.status).toBe(303);

    // Gone from the shop: 410 for its page, out of the list, refused by cart and checkout.
    const gone = await request(h.app).get('/products/hualien-peeled-chili');
    expect(gone.status).toBe(410);
    expect((await request(h.app).get('/')).text).not.toContain('data-slug="hualien-peeled-chili"');
    const again = new Shopper(h.app);
    await again.addToCart(product.id, 1);
    expect((await again.agent.get('/cart')).text).not.toContain(product.nameZh);

    // The order as it was: the shopper's page, the back office's page, its stock still held.
    expect((await shopper.agent.get(`/orders/${order.id}`)).text).toContain(product.nameZh);
    const backOffice = await admin.agent.get(`/admin/orders/${order.id}`);
    expect(backOffice.status).toBe(200);
    expect(backOffice.text).toContain(product.nameZh);
    expect((await h.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(product.stock - 2);
    // And it is listed among the archived, where the merchant can bring it back.
    expect(rowSlugs((await admin.agent.get('/admin/products?show=archived')).text)).toContain('hualien-peeled-chili');
  });
});

describe('categories', () => {
  it('are created, renamed and put in order, with errors named and values kept', async () => {
    const created = await admin.post('/admin/categories', { nameZh: '水果', nameEn: 'Fresh fruit', slug: '', position: '9' });
    expect(created.status).toBe(303);
    const fruit = await h.db.category.findUniqueOrThrow({ where: { slug: 'fresh-fruit' } });
    expect(fruit).toMatchObject({ nameZh: '水果', position: 9 });

    const renamed = await admin.post(`/admin/categories/${fruit.id}`, { nameZh: '當季水果', nameEn: 'Fruit in season', slug: 'fresh-fruit', position: '0' });
    expect(renamed.status).toBe(303);
    const page = await admin.agent.get('/admin/categories');
    const order = [...page.text.matchAll(/data-testid="category-row" data-slug="([^"]+)"/g)].map((m) => m[1]);
    // By position, then by age among equals.
    expect(order).toEqual(['tea', 'fresh-fruit', 'snacks', 'pantry', 'crafts']);
    expect(page.text).toContain('value="當季水果"');

    const clash = await admin.post(`/admin/categories/${fruit.id}?lang=en`, { nameZh: '水果', nameEn: 'Fruit', slug: 'tea', position: 'first' });
    expect(clash.status).toBe(422);
    expect(clash.text).toContain('data-testid="error-position"');
    expect(clash.text).toContain('value="first"');
    const taken = await admin.post(`/admin/categories/${fruit.id}?lang=en`, { nameZh: '水果', nameEn: 'Fruit', slug: 'tea', position: '1' });
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('Another category has this slug.');
    const empty = await admin.post('/admin/categories', { nameZh: '', nameEn: 'Only English', slug: '', position: '3' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('data-testid="error-nameZh"');
    expect(empty.text).toContain('value="Only English"');
    expect((await admin.post('/admin/categories/999999', { nameZh: '甲', nameEn: 'A', slug: 'a', position: '1' })).status).toBe(404);
  });
});
