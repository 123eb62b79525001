import { Router } from 'express';
import type { Database } from '../db/prisma';
import { MAX_QUANTITY } from '../cart/cart';
import { findProductBySlug, listProducts } from '../catalog/products';
import { NotFoundError } from '../web/errors';

// Slugs are lower-case words and hyphens; anything else (a NUL, say) names no product.
const SLUG = /^[a-z0-9-]{1,100}$/;

export function catalogRoutes({ db }: { db: Database }): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.render('catalog.njk', { products: await listProducts(db) });
  });

  router.get('/products/:slug', async (req, res) => {
    const product = SLUG.test(req.params.slug) ? await findProductBySlug(db, req.params.slug) : null;
    if (!product) throw new NotFoundError(`no product ${req.params.slug}`);
    res.render('product.njk', { product, maxQuantity: MAX_QUANTITY });
  });

  return router;
}
