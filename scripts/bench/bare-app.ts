// The baseline for the page and callback figures: Express and Nunjucks rendering the shop's own
// templates, with the shop's filters and the same products (read once at start) shown the same way. No database per
// request, session, CSRF, security headers or logging. Run as a child process by the bench (PORT,
// DATABASE_URL). The callbacks' baseline is bare-callback-endpoint.ts.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express from 'express';
import pg from 'pg';
import { DEFAULT_LOCALE } from '../../src/i18n/locales';
import { defaultCatalogs, mergeCatalogs, translator } from '../../src/i18n/translate';
import { pageOf } from '../../src/catalog/listing';
import { DEFAULT_SORT, ProductSnapshot } from '../../src/catalog/product-snapshot';
import { listingView, productView } from '../../src/catalog/catalog-pages';
import { setUpViews } from '../../src/web/views';

const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));

/** The active products with their photos and categories, as the shop's product cache holds them. */
async function loadSnapshot(url: string): Promise<ProductSnapshot> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const products = (await client.query(`SELECT * FROM "Product" WHERE status = 'active' ORDER BY id`)).rows;
    const photos = (await client.query('SELECT * FROM "ProductPhoto" ORDER BY position, id')).rows;
    const links = (await client.query('SELECT * FROM "ProductCategory"')).rows;
    const categories = (await client.query('SELECT * FROM "Category" ORDER BY position, id')).rows;
    return new ProductSnapshot(
      products.map((product) => ({
        ...product,
        photos: photos.filter((photo) => photo.productId === product.id),
        categoryIds: links.filter((link) => link.productId === product.id).map((link) => link.categoryId),
      })),
      categories,
    );
  } finally {
    await client.end();
  }
}

const snapshot = await loadSnapshot(process.env.DATABASE_URL ?? '');

const app = express();
setUpViews(app, { viewsDir, watch: false });
app.locals.locale = DEFAULT_LOCALE;
app.locals.t = translator(mergeCatalogs(...defaultCatalogs), DEFAULT_LOCALE);
app.locals.languageUrl = (target: string) => `/?lang=${target}`;
// The same length as the shop's CSRF tokens, so both pages weigh the same.
app.locals.csrfToken = randomBytes(32).toString('base64url');
app.locals.cartCount = 0;
app.locals.navCategories = snapshot.categories;

app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.get('/', (_req, res) => {
  const query = { page: 1, sort: DEFAULT_SORT };
  const page = pageOf(snapshot.inOrder(query.sort), query);
  if ('lastPage' in page) return void res.status(404).end();
  res.render('catalog.njk', listingView('/', query, page, { heading: { key: 'catalog.title' }, intro: true }));
});
app.get('/products/:slug', (req, res) => {
  const product = snapshot.productBySlug(req.params.slug);
  if (!product) return void res.status(404).end();
  res.render('product.njk', productView(snapshot, product));
});

app.listen(Number(process.env.PORT), '127.0.0.1');
