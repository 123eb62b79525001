import { Router } from 'express';
import { MAX_QUANTITY } from '../cart/cart';
import { findProductBySlug, type ActiveProducts } from '../catalog/products';
import type { Database } from '../db/prisma';
import { NotFoundError, ProductGoneError } from '../web/errors';

// Slugs are lower-case words and hyphens; anything else (a NUL, say) names no product.
const SLUG = /^[a-z0-9-]{1,100}$/;

export function catalogRoutes({ products, db }: { products: ActiveProducts; db: Database }): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.render('catalog.njk', { products: await products.list() });
  });

  router.get('/products/:slug', async (req, res) => {
    const { slug } = req.params;
    const product = SLUG.test(slug) ? await findProductBySlug(products, slug) : null;
    if (!product) {
      // An archived product's address lives on in old links and its orders' e-mails: gone, not unknown.
      if (SLUG.test(slug) && (await db.product.count({ where: { slug, status: 'archived' } })) > 0) throw new ProductGoneError(`product ${slug} archived`);
      throw new NotFoundError(`no product ${slug}`);
    }
    res.render('product.njk', { product, maxQuantity: MAX_QUANTITY });
  });

  return router;
}
