import { Router, type RequestHandler } from 'express';
import onHeaders from 'on-headers';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { MAX_QUANTITY, itemCount, withItemAdded, withoutItem, withQuantity } from '../cart/cart';
import { priceCart } from '../cart/priced-cart';
import type { ActiveProducts } from '../catalog/products';
import { canStartNewAttempt } from '../payments/payable-order';
import { unpaidOrders } from '../orders/my-orders';
import type { ShopCookies } from '../web/cookies';
import { NotFoundError } from '../web/errors';
import { MAX_SERIAL_ID } from '../web/plain-text';
import { saveSession, SESSION_LIFETIME_MS } from '../web/session';
import { readInput } from './form-input';
import { noStore } from './no-store';

// What the cart's forms may send. Anything else they post (a price, say) is dropped here.
const productId = z.coerce.number().int().positive().max(MAX_SERIAL_ID);
const quantity = z.coerce.number().int().min(1).max(MAX_QUANTITY);

const addToCartForm = z.object({ productId, quantity: quantity.default(1) });

// The cart page sends every line's quantity as quantity-<product id>, whichever button was pressed,
// so a quantity changed and not yet saved is never lost on the way to checkout.
const QUANTITY_FIELD = /^quantity-(\d{1,10})$/;
const saveCartForm = z.preprocess(
  (body) => {
    const fields = Object.entries(typeof body === 'object' && body !== null ? body : {});
    return {
      next: fields.find(([key]) => key === 'next')?.[1],
      quantities: fields.flatMap(([key, value]) => {
        const match = QUANTITY_FIELD.exec(key);
        return match ? [{ productId: match[1], quantity: value }] : [];
      }),
    };
  },
  z.object({ next: z.enum(['cart', 'checkout']).default('cart'), quantities: z.array(z.object({ productId, quantity })).max(200) }),
);

const cartItemParams = z.object({ productId });

// The navbar's cart badge, on every page. The pages served without loading the session (the
// catalog and the products) show it from a cookie, which every request that loads the session keeps
// in step with the session's cart when its response goes out. The cookie is for display only: the
// cart itself is read from the session wherever it matters.

/** For pages served without the session. */
export function cartCountFromCookie(cookies: ShopCookies): RequestHandler {
  const name = cookies.name('cart');
  return (req, res, next) => {
    const count = Number(req.cookies[name]);
    res.locals.cartCount = Number.isSafeInteger(count) && count > 0 ? count : 0;
    next();
  };
}

/** For pages served with the session; keeps the cookie in step with the session's cart. */
export function cartCountFromSession(cookies: ShopCookies): RequestHandler {
  const name = cookies.name('cart');
  return (req, res, next) => {
    res.locals.cartCount = itemCount(req.session.cart);
    onHeaders(res, () => {
      // The cart as the request left it (the session is gone after a sign-out).
      const count = itemCount(req.session?.cart);
      if (String(count) === (req.cookies[name] || '0')) return;
      if (count > 0) res.cookie(name, String(count), { ...cookies.options, maxAge: SESSION_LIFETIME_MS });
      else res.clearCookie(name, cookies.options);
    });
    next();
  };
}

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
    if (!(await products.snapshot()).productById(productId)) throw new NotFoundError(`no product ${productId}`);
    req.session.cart = withItemAdded(req.session.cart ?? [], productId, quantity);
    await saveSession(req);
    res.redirect(303, '/cart');
  });

  router.post('/cart', async (req, res) => {
    const { next, quantities } = readInput(saveCartForm, req.body);
    req.session.cart = quantities.reduce((cart, { productId, quantity }) => withQuantity(cart, productId, quantity), req.session.cart ?? []);
    await saveSession(req);
    // Checkout itself sends the shopper back here while a line cannot be delivered.
    res.redirect(303, next === 'checkout' ? '/checkout' : '/cart');
  });

  router.post('/cart/items/:productId/remove', async (req, res) => {
    const { productId } = readInput(cartItemParams, req.params);
    req.session.cart = withoutItem(req.session.cart ?? [], productId);
    await saveSession(req);
    res.redirect(303, '/cart');
  });

  return router;
}
