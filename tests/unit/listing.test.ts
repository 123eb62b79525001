import { describe, expect, it } from 'vitest';
import { listingHref, pageNumbers, pageOf, readListingQuery, PAGE_SIZE } from '../../src/catalog/listing';

describe('a list page address', () => {
  it('reads page, order and search words, leaving defaults out of the links', () => {
    expect(readListingQuery('/', { page: '3', sort: 'price-asc' })).toEqual({ query: { page: 3, sort: 'price-asc' } });
    expect(readListingQuery('/search', { q: ' 烏龍 ' }, true)).toEqual({ query: { page: 1, sort: 'newest', q: '烏龍' } });
    expect(listingHref('/search', { q: '烏龍 茶', sort: 'newest', page: 1 })).toBe('/search?q=%E7%83%8F%E9%BE%8D+%E8%8C%B6');
    expect(listingHref('/', { sort: 'price-desc', page: 2 })).toBe('/?sort=price-desc&page=2');
  });

  it('sends an address the shop would not write to the nearest one it would', () => {
    for (const page of ['0', '-1', '1.5', 'abc', '01', '9999999', '']) {
      expect(readListingQuery('/', { page, sort: 'price-asc' }).redirect, page).toBe('/?sort=price-asc');
    }
    expect(readListingQuery('/', { sort: 'cheapest', page: '2' }).redirect).toBe('/?page=2');
    expect(readListingQuery('/', { page: ['2', '3'] }).redirect).toBe('/');
    expect(readListingQuery('/search', { q: ['芒果', 'tea'] }, true).redirect).toBe('/search?q=%E8%8A%92%E6%9E%9C');
    expect(readListingQuery('/search', { q: 'x'.repeat(500) }, true).redirect).toBe(`/search?q=${'x'.repeat(100)}`);
    expect(readListingQuery('/search', { q: { $ne: 1 } }, true).redirect).toBe('/search?q=');
  });
});

describe('a page of a list', () => {
  const items = Array.from({ length: PAGE_SIZE * 2 + 1 }, (_, i) => i);
  it('slices the page asked for and names the last page past the end', () => {
    expect(pageOf(items, { page: 3, sort: 'newest' })).toEqual({ items: [PAGE_SIZE * 2], page: 3, pageCount: 3, total: items.length });
    expect(pageOf(items, { page: 4, sort: 'newest' })).toEqual({ lastPage: 3 });
    expect(pageOf([], { page: 1, sort: 'newest' })).toEqual({ items: [], page: 1, pageCount: 1, total: 0 });
  });

  it('links the first, the last and the pages near the current one', () => {
    expect(pageNumbers(1, 1)).toEqual([1]);
    expect(pageNumbers(1, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(pageNumbers(6, 417)).toEqual([1, null, 4, 5, 6, 7, 8, null, 417]);
    expect(pageNumbers(417, 417)).toEqual([1, null, 415, 416, 417]);
  });
});
