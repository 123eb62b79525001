// The shipping fee: free for orders of goods worth FREE_SHIPPING_FROM_TWD or more, a flat
// FLAT_SHIPPING_TWD below that, anywhere in Taiwan. It is part of the order's total, and so of what
// the bank is asked for.
export const FREE_SHIPPING_FROM_TWD = 1000;
const FLAT_SHIPPING_TWD = 100;

export function shippingFeeTwd(itemsTwd: number): number {
  return itemsTwd >= FREE_SHIPPING_FROM_TWD ? 0 : FLAT_SHIPPING_TWD;
}
