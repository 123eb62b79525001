import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductCache, type ProductCache } from '../../src/catalog/product-cache';
import { createLogger } from '../../src/logger';
import { updateProduct } from '../../src/catalog/product-editor';
import { changeStock } from '../../src/catalog/stock';
import { createProduct } from '../support/shop-fixtures';
import { eventually } from '../support/shop-harness';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let testDb: TestDatabase;
let cache: ProductCache;

beforeAll(async () => {
  testDb = await createTestDatabase();
  cache = await startProductCache({ db: testDb.db, databaseUrl: testDb.url, logger: createLogger('silent') });
});
afterAll(async () => {
  await cache.close();
  await testDb.drop();
});

const stockOf = async (id: number) => (await cache.snapshot()).productById(id)?.stock;

describe('product cache', () => {
  it('keeps the active products between changes', async () => {
    await createProduct(testDb.db, { priceTwd: 300, stock: 5 });
    const first = await eventually(async () => (await cache.snapshot()).products.length > 0 && cache.snapshot());
    expect(await cache.snapshot()).toBe(first);
  });

  it('drops its copy when a change commits, from any client, and not before', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 450, stock: 10 });
    await eventually(async () => (await stockOf(product.id)) === 10);

    let commit!: () => void;
    const committing = testDb.db.$transaction(async (tx) => {
      await tx.product.update({ where: { id: product.id }, data: { stock: 7 } });
      await new Promise<void>((resolve) => (commit = resolve));
    });
    await eventually(async () => commit !== undefined);
    // A change committed after the update began reaches the cache only after anything the update
    // would have sent: once the cache shows it, the open update has had every chance to show.
    const later = await createProduct(testDb.db, { priceTwd: 460, stock: 3 });
    await eventually(async () => (await stockOf(later.id)) === 3);
    expect(await stockOf(product.id)).toBe(10);

    commit();
    await committing;
    await eventually(async () => (await stockOf(product.id)) === 7);

    // A product the merchant withdraws leaves the list.
    await testDb.db.$executeRaw`UPDATE "Product" SET status = 'archived' WHERE id = ${product.id}`;
    await eventually(async () => (await stockOf(product.id)) === undefined);
  });

  it('drops its copy when a photo or a shelf changes, since pages show them with the product', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 200, stock: 4 });
    const photosOf = async () => (await cache.snapshot()).productById(product.id)?.photos.length;
    await eventually(async () => (await photosOf()) === 0);
    await testDb.db.productPhoto.create({ data: { productId: product.id, position: 0, contentHash: '0123456789abcdef', mime: 'image/png', width: 10, height: 10 } });
    await eventually(async () => (await photosOf()) === 1);

    const category = await testDb.db.category.create({ data: { slug: 'cache-shelf', nameZh: '架', nameEn: 'Shelf' } });
    await eventually(async () => (await cache.snapshot()).categoryBySlug('cache-shelf') !== undefined);
    const before = await cache.snapshot();
    expect(await cache.snapshot()).toBe(before);
    // A snapshot sorts a list once, on first use.
    expect(before.inOrder('price-asc')).toBe(before.inOrder('price-asc'));
    await testDb.db.productCategory.create({ data: { productId: product.id, categoryId: category.id } });
    await eventually(async () => (await cache.snapshot()).inOrder('newest', category.id).some((p) => p.id === product.id));
    await testDb.db.category.update({ where: { id: category.id }, data: { nameEn: 'Renamed shelf' } });
    await eventually(async () => (await cache.snapshot()).categoryBySlug('cache-shelf')?.nameEn === 'Renamed shelf');
  });

  it('shows a merchant’s edit and stock change within a second', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 500, stock: 8 });
    const cached = async () => (await cache.snapshot()).productById(product.id);
    await eventually(async () => (await cached())?.stock === 8);
    const fields = { ...product, descriptionZh: '', descriptionEn: '', categoryIds: [] };
    expect((await updateProduct(testDb.db, product.id, { ...fields, priceTwd: 450 })).kind).toBe('saved');
    await eventually(async () => (await cached())?.priceTwd === 450, 1_000);
    expect((await changeStock(testDb.db, { productId: product.id, delta: 4, reason: 'restock', note: undefined, who: 'merchant' })).kind).toBe('changed');
    await eventually(async () => (await cached())?.stock === 12, 1_000);
    expect((await updateProduct(testDb.db, product.id, { ...fields, priceTwd: 450, status: 'archived' })).kind).toBe('saved');
    await eventually(async () => (await cached()) === undefined, 1_000);
  });

  it('reads the table on every call once it no longer listens', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 120, stock: 3 });
    const deaf = await startProductCache({ db: testDb.db, databaseUrl: testDb.url, logger: createLogger('silent') });
    await deaf.close();
    const before = await deaf.snapshot();
    expect(await deaf.snapshot()).not.toBe(before);
    await testDb.db.product.update({ where: { id: product.id }, data: { stock: 2 } });
    expect((await deaf.snapshot()).productById(product.id)?.stock).toBe(2);
  });

  it('reads the tables once for the pages that ask while a read is under way', async () => {
    const fresh = await startProductCache({ db: testDb.db, databaseUrl: testDb.url, logger: createLogger('silent') });
    try {
      const [first, ...rest] = await Promise.all([fresh.snapshot(), fresh.snapshot(), fresh.snapshot()]);
      for (const other of rest) expect(other).toBe(first);
    } finally {
      await fresh.close();
    }
  });

  it('reads again only the product that changed, its lists re-sorted only when its place moves', async () => {
    const cheap = await createProduct(testDb.db, { priceTwd: 10, stock: 8 });
    const dear = await createProduct(testDb.db, { priceTwd: 20, stock: 8 });
    const place = async (id: number) => (await cache.snapshot()).inOrder('price-asc').findIndex((p) => p.id === id);
    await eventually(async () => (await place(dear.id)) === (await place(cheap.id)) + 1);

    await testDb.db.product.update({ where: { id: cheap.id }, data: { stock: 3 } });
    await eventually(async () => (await cache.snapshot()).inOrder('price-asc').find((p) => p.id === cheap.id)?.stock === 3);
    expect(await place(dear.id)).toBe((await place(cheap.id)) + 1);

    await testDb.db.product.update({ where: { id: cheap.id }, data: { priceTwd: 30 } });
    await eventually(async () => (await place(cheap.id)) === (await place(dear.id)) + 1);
  });

  it('keeps its snapshot and sorted lists through stock changes, setting the stock in place', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 640, stock: 9 });
    await eventually(async () => (await stockOf(product.id)) === 9);
    const kept = await cache.snapshot();
    const sorted = kept.inOrder('price-desc');
    // As a reservation writes it, then as the merchant's stock form does.
    await testDb.db.product.update({ where: { id: product.id }, data: { stock: { decrement: 2 } } });
    await eventually(async () => (await stockOf(product.id)) === 7);
    expect((await changeStock(testDb.db, { productId: product.id, delta: 5, reason: 'restock', note: undefined, who: 'merchant' })).kind).toBe('changed');
    await eventually(async () => (await stockOf(product.id)) === 12);
    expect(await cache.snapshot()).toBe(kept);
    expect(kept.inOrder('price-desc')).toBe(sorted);
    expect(sorted.find((p) => p.id === product.id)?.stock).toBe(12);

    // A change of anything else is a new snapshot.
    await testDb.db.product.update({ where: { id: product.id }, data: { nameEn: 'Renamed' } });
    await eventually(async () => (await cache.snapshot()).productById(product.id)?.nameEn === 'Renamed');
    expect(await cache.snapshot()).not.toBe(kept);
  });

  it('shows a merchant\'s edit on every process within a second', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 500, stock: 3 });
    const other = await startProductCache({ db: testDb.db, databaseUrl: testDb.url, logger: createLogger('silent') });
    try {
      const priceIn = async (c: ProductCache) => (await c.snapshot()).productById(product.id)?.priceTwd;
      await eventually(async () => (await priceIn(cache)) === 500 && (await priceIn(other)) === 500);
      await testDb.db.product.update({ where: { id: product.id }, data: { priceTwd: 450 } });
      await Promise.all([cache, other].map((c) => eventually(async () => (await priceIn(c)) === 450, 1_000)));
    } finally {
      await other.close();
    }
  });
});
