// What a bigger catalogue costs a page: the catalogue's first page and two searches against a shop
// selling 10,000 products and against one selling the seeded 12, in alternating rounds. The large
// shop is its own process on its own database (same PostgreSQL server), started for this
// measurement only.
import pg from 'pg';
import { PAGE_SIZE } from '../../src/catalog/listing';
import { seedProducts } from '../../src/catalog/seed';
import { createDatabase } from '../../src/db/prisma';
import type { ChildServer } from './child-server';
import { compare, type Side } from './pages';
import type { Check, Measurement } from './report';

export const LARGE_CATALOGUE = 10_000;

// Names built from real product words, so that each search below finds a few hundred products.
const WORDS = [
  ['高山烏龍茶', 'High-Mountain Oolong'],
  ['愛文芒果乾', 'Dried Irwin Mango'],
  ['土鳳梨酥', 'Pineapple Cake'],
  ['手作陶杯', 'Handmade Cup'],
  ['純黑麻油', 'Black Sesame Oil'],
  ['檜木手工皂', 'Cypress Soap'],
  ['客家花布包', 'Hakka Floral Bag'],
  ['紅玉紅茶', 'Ruby Black Tea'],
  ['剝皮辣椒', 'Peeled Chili'],
  ['牛軋餅', 'Nougat Crackers'],
];
const PLACES = [
  ['阿里山', 'Alishan'],
  ['台南', 'Tainan'],
  ['花蓮', 'Hualien'],
  ['宜蘭', 'Yilan'],
  ['鶯歌', 'Yingge'],
  ['北港', 'Beigang'],
  ['日月潭', 'Sun Moon Lake'],
];

/** The seeded products, then generated ones up to `total`, each with a photo row and a category, as the merchant's would be. */
export async function fillLargeCatalogue(url: string, total: number): Promise<void> {
  const db = createDatabase(url);
  try {
    await seedProducts(db);
  } finally {
    await db.$disconnect();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const seeded = Number((await client.query('SELECT count(*) AS n FROM "Product"')).rows[0].n);
    await client.query(
      `INSERT INTO "Product" (slug, "nameZh", "nameEn", "descriptionZh", "descriptionEn", "priceTwd", stock, "createdAt")
       SELECT 'bench-' || n,
              ($1::text[])[1 + n % cardinality($1::text[])] || ($2::text[])[1 + n % cardinality($2::text[])] || ' ' || n || '號',
              ($3::text[])[1 + n % cardinality($3::text[])] || ' ' || ($4::text[])[1 + n % cardinality($4::text[])] || ' no. ' || n,
              '效能測試用商品。', 'A product for the bench.', 100 + (n * 37) % 2000, 1000000,
              now() - make_interval(secs => n)
       FROM generate_series(1, $5::int) AS n`,
      [PLACES.map((p) => p[0]), WORDS.map((w) => w[0]), PLACES.map((p) => p[1]), WORDS.map((w) => w[1]), total - seeded],
    );
    await client.query(
      `INSERT INTO "ProductCategory" ("productId", "categoryId")
       SELECT p.id, c.ids[1 + p.id % cardinality(c.ids)]
       FROM "Product" p, (SELECT array_agg(id ORDER BY id) AS ids FROM "Category") c
       WHERE p.slug LIKE 'bench-%'`,
    );
    await client.query(
      `INSERT INTO "ProductPhoto" ("productId", position, "contentHash", mime, width, height)
       SELECT id, 0, substr(md5(slug), 1, 16), 'image/webp', 1000, 750 FROM "Product" WHERE slug LIKE 'bench-%'`,
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** The figures mean something only if the large shop's pages are full ones: 24 products each. */
async function fullPages(large: ChildServer, paths: string[]): Promise<Check> {
  const cards = await Promise.all(paths.map(async (path) => (await (await fetch(`${large.baseUrl}${path}`)).text()).split('data-testid="product-card"').length - 1));
  return {
    name: `the ${LARGE_CATALOGUE.toLocaleString('en-US')}-product shop's pages are full`,
    passed: cards.every((count) => count === PAGE_SIZE),
    detail: paths.map((path, i) => `${decodeURIComponent(path)}: ${cards[i]} products`).join('; '),
  };
}

export async function measureCatalogueSize(small: ChildServer, large: ChildServer, cpu: { small: () => number; large: () => number; database: () => number }): Promise<Measurement> {
  const side = (server: ChildServer, meter: () => number, path: string): Side => ({ url: `${server.baseUrl}${path}`, cookies: [], cpu: meter, databaseCpu: cpu.database });
  const options = { baselineLabel: '12 products', section: 'catalogue size', cpuTarget: { maxRatio: 1.5, text: '≤ 1.50×' } };
  const pages: Array<[string, string]> = [
    ['catalogue page 1', '/'],
    ['search, 2 Chinese characters (烏龍)', `/search?q=${encodeURIComponent('烏龍')}`],
    ['search, an English word (oolong)', '/search?q=oolong'],
  ];
  const measurements: Measurement[] = [{ figures: [], checks: [await fullPages(large, pages.map(([, path]) => path))] }];
  for (const [name, path] of pages) {
    measurements.push(await compare(`${name}, ${LARGE_CATALOGUE.toLocaleString('en-US')} products`, side(large, cpu.large, path), side(small, cpu.small, path), options));
  }
  return { figures: measurements.flatMap((m) => m.figures), checks: measurements.flatMap((m) => m.checks) };
}
