// What the cart's forms may send. Anything else they post (a price, say) is dropped here.
import { z } from 'zod';
import { MAX_QUANTITY } from './cart';
import { MAX_SERIAL_ID } from '../web/plain-text';

const productId = z.coerce.number().int().positive().max(MAX_SERIAL_ID);
const quantity = z.coerce.number().int().min(1).max(MAX_QUANTITY);

export const addToCartForm = z.object({ productId, quantity: quantity.default(1) });

export const changeQuantityForm = z.object({ quantity });

export const cartItemParams = z.object({ productId });
