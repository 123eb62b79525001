// The cart as the session keeps it: which products and how many, never a price. Prices are looked
// up when the cart is shown or ordered (priced-cart.ts, place-order.ts).

export interface CartItem {
  productId: number;
  quantity: number;
}

export type Cart = CartItem[];

/** Most of one product a single order may hold; also keeps the form's number inputs honest. */
export const MAX_QUANTITY = 20;

export function withItemAdded(cart: Cart, productId: number, quantity: number): Cart {
  const existing = cart.find((item) => item.productId === productId);
  if (!existing) return [...cart, { productId, quantity: Math.min(quantity, MAX_QUANTITY) }];
  return withQuantity(cart, productId, Math.min(existing.quantity + quantity, MAX_QUANTITY));
}

export function withQuantity(cart: Cart, productId: number, quantity: number): Cart {
  return cart.map((item) => (item.productId === productId ? { productId, quantity } : item));
}

export function withoutItem(cart: Cart, productId: number): Cart {
  return cart.filter((item) => item.productId !== productId);
}

export function itemCount(cart: Cart | undefined): number {
  return (cart ?? []).reduce((sum, item) => sum + item.quantity, 0);
}
