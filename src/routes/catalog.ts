import { Router, type RequestHandler } from 'express';
import { listingView, productView } from '../catalog/catalog-pages';
import { listingHref, pageCountOf, pageOf, readListingQuery } from '../catalog/listing';
import type { ActiveProducts } from '../catalog/products';
import { searchProducts } from '../catalog/search';
import type { Database } from '../db/prisma';
import { NotFoundError } from '../web/errors';

// Slugs are lower-case words and hyphens; anything else (a NUL, say) names no product or category.
const SLUG = /^[a-z0-9-]{1,100}$/;

/** The navbar's categories, on every page. */
export function navbarCategories(products: ActiveProducts): RequestHandler {
  return async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.locals.navCategories = (await products.snapshot()).categories;
    next();
  };
}

export function catalogRoutes({ db, products }: { db: Database; products: ActiveProducts }): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const { query, redirect } = readListingQuery('/', req.query);
    if (redirect) return res.redirect(302, redirect);
    const page = pageOf((await products.snapshot()).inOrder(query.sort), query);
    if ('lastPage' in page) return res.redirect(302, listingHref('/', { ...query, page: page.lastPage }));
    res.render('catalog.njk', listingView('/', query, page, { heading: { key: 'catalog.title' }, intro: true }));
  });

  router.get('/categories/:slug', async (req, res) => {
    const snapshot = await products.snapshot();
    const category = SLUG.test(req.params.slug) ? snapshot.categoryBySlug(req.params.slug) : undefined;
    if (!category) throw new NotFoundError(`no category ${req.params.slug}`);
    const path = `/categories/${category.slug}`;
    const { query, redirect } = readListingQuery(path, req.query);
    if (redirect) return res.redirect(302, redirect);
    const page = pageOf(snapshot.inOrder(query.sort, category.id), query);
    if ('lastPage' in page) return res.redirect(302, listingHref(path, { ...query, page: page.lastPage }));
    res.render('catalog.njk', listingView(path, query, page, { heading: { category }, currentCategory: category.slug }));
  });

  router.get('/search', async (req, res) => {
    const { query, redirect } = readListingQuery('/search', req.query, true);
    if (redirect) return res.redirect(302, redirect);
    const [found, snapshot] = await Promise.all([searchProducts(db, query), products.snapshot()]);
    const pageCount = pageCountOf(found.total);
    if (query.page > pageCount) return res.redirect(302, listingHref('/search', { ...query, page: pageCount }));
    // A product changed since the snapshot was read is left out until the next one has it.
    const items = found.ids.map((id) => snapshot.productById(id)).filter((product) => product !== undefined);
    res.render('catalog.njk', listingView('/search', query, { items, page: query.page, pageCount, total: found.total }, { heading: { key: 'search.title' }, searching: true, q: query.q }));
  });

  router.get('/products/:slug', async (req, res) => {
    const slug = SLUG.test(req.params.slug) ? req.params.slug : undefined;
    const snapshot = await products.snapshot();
    const product = slug && snapshot.productBySlug(slug);
    if (product) return res.render('product.njk', productView(snapshot, product));
    // Off sale for good: say so, and where to look instead, rather than "no such page".
    const archived = slug && (await db.product.findFirst({ where: { slug, status: 'archived' }, include: { categories: { select: { category: true } } } }));
    if (!archived) throw new NotFoundError(`no product ${req.params.slug}`);
    res.status(410).render('product-gone.njk', { product: archived, categories: archived.categories.map((link) => link.category) });
  });

  return router;
}
