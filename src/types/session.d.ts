import type { Cart } from '../cart/cart';

declare module 'express-session' {
  interface SessionData {
    cart?: Cart;
    /** Random token naming this browser as the owner of the orders it places (Order.ownerToken). */
    shopperId?: string;
    /** One-time token of the checkout form on screen; see src/checkout/checkout-token.ts. */
    checkoutToken?: string;
    /** When the session was last renewed (ms since epoch); see web/session.ts. */
    renewedAt?: number;
  }
}

export {};
