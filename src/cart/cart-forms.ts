// What the cart's forms may send. Anything else they post (a price, say) is dropped here.
import { z } from 'zod';
import { MAX_QUANTITY } from './cart';
import { MAX_SERIAL_ID } from '../web/plain-text';

const productId = z.coerce.number().int().positive().max(MAX_SERIAL_ID);
const quantity = z.coerce.number().int().min(1).max(MAX_QUANTITY);

export const addToCartForm = z.object({ productId, quantity: quantity.default(1) });

// The cart page sends every line's quantity as quantity-<product id>, whichever button was pressed,
// so a quantity changed and not yet saved is never lost on the way to checkout.
const QUANTITY_FIELD = /^quantity-(\d{1,10})$/;
export const saveCartForm = z.preprocess(
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

export const cartItemParams = z.object({ productId });
