// Checkout takes the stock in the statement that writes the order: shoppers racing for the last
// one, carts that share products in either order, and a form refused for want of stock that still
// works once the stock is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { CUSTOMER, Shopper, startShopApp, type ShopApp } from '../support/shop-app';

describe('checkout and the stock', () => {
  let shop: ShopApp;
  let tea: Product;
  let soap: Product;
  beforeAll(async () => {
    shop = await startShopApp();
    tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
    soap = await shop.db.product.findUniqueOrThrow({ where: { slug: 'taiwan-cypress-soap' } });
  });
  afterAll(async () => {
    await shop.close();
  });

  const stockOf = async (product: Product) => (await shop.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock;
  const setStock = (product: Product, stock: number) => shop.db.product.update({ where: { id: product.id }, data: { stock } });

  async function readyShopper(items: Array<[Product, number]>) {
    const shopper = new Shopper(shop.app);
    for (const [product, quantity] of items) await shopper.addToCart(product.id, quantity);
    const tokens = await shopper.openCheckout();
    return () => shopper.agent.post('/checkout').type('form').send({ ...tokens, ...CUSTOMER });
  }

  it('gives the last one to one of two shoppers who check out at the same moment', async () => {
    await setStock(tea, 1);
    const ordersBefore = await shop.db.order.count();
    const submits = await Promise.all([readyShopper([[tea, 1]]), readyShopper([[tea, 1]])]);

    const responses = await Promise.all(submits.map((submit) => submit()));

    expect(responses.map((res) => res.status)).toEqual([303, 303]);
    expect(responses.filter((res) => res.headers.location === '/cart')).toHaveLength(1);
    expect(await shop.db.order.count()).toBe(ordersBefore + 1);
    expect(await stockOf(tea)).toBe(0);
  });

  it('places every order of carts that share products, whatever order they were filled in', async () => {
    await setStock(tea, 100);
    await setStock(soap, 100);
    const ordersBefore = await shop.db.order.count();
    const submits = await Promise.all(
      Array.from({ length: 6 }, (_, i) => readyShopper(i % 2 === 0 ? [[tea, 2], [soap, 1]] : [[soap, 3], [tea, 1]])),
    );

    const responses = await Promise.all(submits.map((submit) => submit()));

    expect(responses.map((res) => res.status)).toEqual(Array(6).fill(303));
    expect(responses.filter((res) => res.headers.location === '/cart')).toEqual([]);
    expect(await shop.db.order.count()).toBe(ordersBefore + 6);
    expect(await stockOf(tea)).toBe(100 - 3 * 2 - 3 * 1);
    expect(await stockOf(soap)).toBe(100 - 3 * 1 - 3 * 3);
  });

  it('keeps the lines in the cart’s order', async () => {
    await setStock(tea, 100);
    await setStock(soap, 100);
    const submit = await readyShopper([[soap, 1], [tea, 2]]);
    const placed = await submit();
    const orderId = (await shop.db.payment.findFirstOrThrow({ where: { cardPayUrl: placed.headers.location } })).orderId;
    const lines = await shop.db.orderLine.findMany({ where: { orderId }, orderBy: { id: 'asc' } });
    expect(lines.map((line) => [line.productId, line.quantity, line.unitPriceTwd])).toEqual([[soap.id, 1, soap.priceTwd], [tea.id, 2, tea.priceTwd]]);
  });

  it('takes nothing when one product of the cart is short, and places the same form once the stock is back', async () => {
    await setStock(tea, 100);
    await setStock(soap, 1);
    const submit = await readyShopper([[tea, 2], [soap, 1]]);
    // Sold to someone else while the form was open.
    await setStock(soap, 0);

    const refused = await submit();
    expect(refused.headers.location).toBe('/cart');
    expect(await stockOf(tea)).toBe(100);

    await setStock(soap, 5);
    const placed = await submit();
    expect(placed.status).toBe(303);
    expect(placed.headers.location).not.toBe('/cart');
    expect(await stockOf(tea)).toBe(98);
    expect(await stockOf(soap)).toBe(4);
  });
});
