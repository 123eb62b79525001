import { Router } from 'express';
import { MAX_QUANTITY } from '../cart/cart';
import { findProductBySlug, type ActiveProducts } from '../catalog/products';
import { NotFoundError } from '../web/errors';

// Slugs are lower-case words and hyphens; anything else (a NUL, say) names no product.
const SLUG = /^[a-z0-9-]{1,100}$/;

export function catalogRoutes({ products }: { products: ActiveProducts }): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.render('catalog.njk', { products: await products.list() });
  });

  router.get('/products/:slug', async (req, res) => {
    const product = SLUG.test(req.params.slug) ? await findProductBySlug(products, req.params.slug) : null;
    if (!product) throw new NotFoundError(`no product ${req.params.slug}`);
    res.render('product.njk', { product, maxQuantity: MAX_QUANTITY });
  });

  return router;
}
