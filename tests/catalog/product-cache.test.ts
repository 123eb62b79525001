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

const stockOf = async (id: number) => (await cache.list()).find((product) => product.id === id)?.stock;

describe('product cache', () => {
  it('keeps the active products between changes', async () => {
    await createProduct(testDb.db, { priceTwd: 300, stock: 5 });
    const first = await eventually(async () => (await cache.list()).length > 0 && cache.list());
    expect(await cache.list()).toBe(first);
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
    await new Promise((resolve) => setTimeout(resolve, 200));
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
    const photosOf = async () => (await cache.list()).find((p) => p.id === product.id)?.photos.length;
    await eventually(async () => (await photosOf()) === 0);
    await testDb.db.productPhoto.create({ data: { productId: product.id, position: 0, contentHash: '0123456789abcdef', mime: 'image/png', width: 10, height: 10 } });
    await eventually(async () => (await photosOf()) === 1);

    const category = await testDb.db.category.create({ data: { slug: 'cache-shelf', nameZh: '架', nameEn: 'Shelf' } });
    const before = await cache.list();
    expect(await cache.list()).toBe(before);
    await testDb.db.productCategory.create({ data: { productId: product.id, categoryId: category.id } });
    await eventually(async () => (await cache.list()) !== before);
    const afterMembership = await cache.list();
    expect(await cache.list()).toBe(afterMembership);
    await testDb.db.category.update({ where: { id: category.id }, data: { nameEn: 'Renamed shelf' } });
    await eventually(async () => (await cache.list()) !== afterMembership);
  });

  it('shows a merchant’s edit and stock change within a second', async () => {
    const product = await createProduct(testDb.db, { priceTwd: 500, stock: 8 });
    const cached = async () => (await cache.list()).find((p) => p.id === product.id);
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
    const before = await deaf.list();
    expect(await deaf.list()).not.toBe(before);
    await testDb.db.product.update({ where: { id: product.id }, data: { stock: 2 } });
    expect((await deaf.list()).find((p) => p.id === product.id)?.stock).toBe(2);
  });
});
