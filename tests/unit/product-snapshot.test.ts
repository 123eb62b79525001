import { describe, expect, it } from 'vitest';
import { ProductSnapshot, type CatalogProduct } from '../../src/catalog/product-snapshot';

const product = (id: number, priceTwd: number, extra: Partial<CatalogProduct> = {}): CatalogProduct => ({
  id, slug: `p${id}`, nameZh: `商品${id}`, nameEn: `Product ${id}`, descriptionZh: '', descriptionEn: '', priceTwd, stock: 5,
  status: 'active', createdAt: new Date(2026, 0, id), updatedAt: new Date(2026, 0, id), categoryIds: [1], photos: [], ...extra,
});
const ids = (list: readonly CatalogProduct[]) => list.map((p) => p.id);

describe('a product snapshot', () => {
  const snapshot = new ProductSnapshot([product(1, 300), product(2, 100), product(3, 300), product(4, 200, { categoryIds: [2] })], []);

  it('orders by date or price, the id breaking ties, and keeps each list once made', () => {
    expect(ids(snapshot.inOrder('newest'))).toEqual([4, 3, 2, 1]);
    expect(ids(snapshot.inOrder('price-asc'))).toEqual([2, 4, 1, 3]);
    expect(ids(snapshot.inOrder('price-desc'))).toEqual([1, 3, 4, 2]);
    expect(ids(snapshot.inOrder('price-desc', 1))).toEqual([1, 3, 2]);
    expect(snapshot.inOrder('price-asc')).toBe(snapshot.inOrder('price-asc'));
  });

  it('swaps in changed products, re-sorting only when a place can move', () => {
    const sorted = snapshot.inOrder('price-asc');
    // Stock alone is set in place: the same snapshot, the same sorted list.
    const restocked = snapshot.withChanges([3], [product(3, 300, { stock: 0, updatedAt: new Date(2026, 5, 1) })]);
    expect(restocked).toBe(snapshot);
    expect(restocked.inOrder('price-asc')).toBe(sorted);
    expect(ids(restocked.inOrder('price-asc'))).toEqual([2, 4, 1, 3]);
    expect(restocked.productById(3)?.stock).toBe(0);
    expect(restocked.inOrder('price-asc').at(-1)?.stock).toBe(0);

    const renamed = snapshot.withChanges([3], [product(3, 300, { stock: 0, nameEn: 'Renamed' })]);
    expect(renamed).not.toBe(snapshot);
    expect(renamed.inOrder('price-asc')).not.toBe(sorted);
    expect(renamed.productById(3)?.nameEn).toBe('Renamed');
    const cheaper = snapshot.withChanges([3], [product(3, 50)]);
    expect(ids(cheaper.inOrder('price-asc'))).toEqual([3, 2, 4, 1]);
    const gone = snapshot.withChanges([2, 9], [product(9, 150)]);
    expect(ids(gone.products)).toEqual([1, 3, 4, 9]);
    expect(ids(gone.inOrder('price-asc'))).toEqual([9, 4, 1, 3]);
    expect(gone.productBySlug('p2')).toBeUndefined();
    const moved = snapshot.withChanges([4], [product(4, 200, { categoryIds: [1] })]);
    expect(ids(moved.inOrder('newest', 1))).toEqual([4, 3, 2, 1]);
  });
});
