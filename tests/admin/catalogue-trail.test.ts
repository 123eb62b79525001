// The merchant trail (admin/trail.ts) records what the back office's catalogue pages change: products,
// their photos, stock and the categories, each with who did it and from where.
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AdminBrowser, signedIn, startAdminHarness, type AdminHarness } from '../support/admin-harness';

let h: AdminHarness;
let admin: AdminBrowser;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await signedIn(h.app);
});
afterAll(() => h.close());

const trail = (action: string) => h.db.merchantAction.findMany({ where: { action }, orderBy: { id: 'asc' } });

it('records a product created and saved, a stock change and a category saved, and nothing for a refused form', async () => {
  const category = await h.db.category.findFirstOrThrow();
  const created = await admin.post('/admin/products', {
    nameZh: '試用茶包', nameEn: 'Trial tea bags', slug: '', descriptionZh: '一包', descriptionEn: 'One bag',
    priceTwd: '120', stock: '5', status: 'active', categoryIds: String(category.id),
  });
  expect(created.status).toBe(303);
  const product = await h.db.product.findUniqueOrThrow({ where: { slug: 'trial-tea-bags' } });

  const refused = await admin.post(`/admin/products/${product.id}/stock`, { delta: '-99', reason: 'correction', note: '' });
  expect(refused.status).toBe(422);
  expect(await trail('stock_change')).toEqual([]);

  expect((await admin.post(`/admin/products/${product.id}/stock`, { delta: '+7', reason: 'restock', note: '' })).status).toBe(303);
  expect(
    (await admin.post(`/admin/categories/${category.id}`, { nameZh: category.nameZh, nameEn: category.nameEn, slug: category.slug, position: String(category.position) })).status,
  ).toBe(303);

  const [productCreated] = await trail('product_change');
  expect(productCreated).toMatchObject({ actor: 'merchant', subject: 'trial-tea-bags', details: { change: 'created', productId: product.id } });
  expect(productCreated!.address).toBeTruthy();
  const [stock] = await trail('stock_change');
  expect(stock).toMatchObject({ actor: 'merchant', subject: 'trial-tea-bags', details: { productId: product.id, delta: 7, reason: 'restock', before: 5, after: 12 } });
  const [categorySaved] = await trail('category_change');
  expect(categorySaved).toMatchObject({ actor: 'merchant', subject: category.slug, details: { change: 'saved', categoryId: category.id } });
});

it('records photos added and removed', async () => {
  const product = await h.db.product.findFirstOrThrow({ where: { slug: 'trial-tea-bags' } });
  const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#8a5' } }).jpeg().toBuffer();
  const _csrf = await admin.csrfToken();
  const added = await admin.agent.post(`/admin/products/${product.id}/photos`).field('_csrf', _csrf).attach('photos', jpeg, { filename: 'bag.jpg', contentType: 'image/jpeg' });
  expect(added.status).toBe(303);
  const photo = await h.db.productPhoto.findFirstOrThrow({ where: { productId: product.id } });
  expect((await admin.post(`/admin/products/${product.id}/photos/${photo.id}/delete`, {})).status).toBe(303);

  const changes = (await trail('product_change')).filter((row) => row.subject === 'trial-tea-bags').map((row) => (row.details as { change: string }).change);
  expect(changes).toEqual(['created', 'photos_added', 'photo_removed']);
});
