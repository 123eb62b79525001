// The baseline for the page and callback figures: Express and Nunjucks rendering the shop's own
// templates, with the shop's filters and the same products and their photos (read once at start). No database per
// request, session, CSRF, security headers or logging. Run as a child process by the bench (PORT,
// DATABASE_URL). The callbacks' baseline is bare-callback-endpoint.ts.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express from 'express';
import pg from 'pg';
import { DEFAULT_LOCALE } from '../../src/i18n/locales';
import { defaultCatalogs, mergeCatalogs, translator } from '../../src/i18n/translate';
import { MAX_QUANTITY } from '../../src/cart/cart';
import { setUpViews } from '../../src/web/views';

const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));

async function loadProducts(url: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT p.*, COALESCE((SELECT json_agg(json_build_object('id', f.id, 'contentHash', f."contentHash", 'width', f.width, 'height', f.height)
                                     ORDER BY f.position, f.id)
                               FROM "ProductPhoto" f WHERE f."productId" = p.id), '[]') AS photos
         FROM "Product" p WHERE p.status = 'active' ORDER BY p.id`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

const products = await loadProducts(process.env.DATABASE_URL ?? '');
const bySlug = new Map(products.map((product) => [product.slug, product]));

const app = express();
setUpViews(app, { viewsDir, watch: false });
app.locals.locale = DEFAULT_LOCALE;
app.locals.t = translator(mergeCatalogs(...defaultCatalogs), DEFAULT_LOCALE);
app.locals.languageUrl = (target: string) => `/?lang=${target}`;
// The same length as the shop's CSRF tokens, so both pages weigh the same.
app.locals.csrfToken = randomBytes(32).toString('base64url');
app.locals.cartCount = 0;

app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
app.get('/', (_req, res) => res.render('catalog.njk', { products }));
app.get('/products/:slug', (req, res) => {
  const product = bySlug.get(req.params.slug);
  if (!product) return void res.status(404).end();
  res.render('product.njk', { product, maxQuantity: MAX_QUANTITY });
});

app.listen(Number(process.env.PORT), '127.0.0.1');
