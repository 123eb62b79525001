import { Router, type RequestHandler } from 'express';
import type { Database } from '../db/prisma';
import { MAX_QUANTITY, itemCount, withItemAdded, withoutItem, withQuantity } from '../cart/cart';
import { addToCartForm, cartItemParams, changeQuantityForm } from '../cart/cart-forms';
import { priceCart } from '../cart/priced-cart';
import { findProductById, type ActiveProducts } from '../catalog/products';
import { canStartNewAttempt } from '../payments/payable-order';
import { unpaidOrders } from '../orders/unpaid-order';
import { NotFoundError } from '../web/errors';
import { saveSession } from '../web/session';
import { readInput } from './form-input';
import { noStore } from './no-store';

/** The navbar's cart badge, on every page. */
export const exposeCartCount: RequestHandler = (req, res, next) => {
  res.locals.cartCount = itemCount(req.session.cart);
  next();
};

export function cartRoutes({ db, products }: { db: Database; products: ActiveProducts }): Router {
  const router = Router();

  router.get('/cart', noStore, async (req, res) => {
    const [cart, [unpaid]] = await Promise.all([priceCart(db, req.session.cart ?? []), unpaidOrders(db, req.session.shopperId)]);
    if (cart.withdrawn) req.session.cart = cart.kept;
    res.render('cart.njk', {
      cart,
      maxQuantity: MAX_QUANTITY,
      unpaid: unpaid && { order: unpaid, canPayAnotherWay: canStartNewAttempt(unpaid, unpaid.payments) },
    });
  });

  router.post('/cart/items', async (req, res) => {
    const { productId, quantity } = readInput(addToCartForm, req.body);
    if (!(await findProductById(products, productId))) throw new NotFoundError(`no product ${productId}`);
    req.session.cart = withItemAdded(req.session.cart ?? [], productId, quantity);
    await saveSession(req);
    res.redirect(303, '/cart');
  });

  router.post('/cart/items/:productId', async (req, res) => {
    const { productId } = readInput(cartItemParams, req.params);
    const { quantity } = readInput(changeQuantityForm, req.body);
    req.session.cart = withQuantity(req.session.cart ?? [], productId, quantity);
    await saveSession(req);
    res.redirect(303, '/cart');
  });

  router.post('/cart/items/:productId/remove', async (req, res) => {
    const { productId } = readInput(cartItemParams, req.params);
    req.session.cart = withoutItem(req.session.cart ?? [], productId);
    await saveSession(req);
    res.redirect(303, '/cart');
  });

  return router;
}
