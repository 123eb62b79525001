import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { Shopper, startShopApp, type ShopApp } from '../support/shop-app';

describe('cart', () => {
  let shop: ShopApp;
  let oolong: Product;
  let mango: Product;
  beforeAll(async () => {
    shop = await startShopApp();
    oolong = await shop.db.product.findUniqueOrThrow({ where: { slug: 'alishan-oolong' } });
    mango = await shop.db.product.findUniqueOrThrow({ where: { slug: 'dried-irwin-mango' } });
  });
  afterAll(async () => {
    await shop.close();
  });

  it('adds a product and shows it with its total and the navbar count', async () => {
    const shopper = new Shopper(shop.app);
    const added = await shopper.addToCart(oolong.id, 2);
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/cart');

    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toContain('阿里山高山烏龍茶 150g');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$2,560</);
    expect(cart.text).toMatch(/data-testid="nav-cart">購物車 <span class="badge[^"]*" data-testid="cart-count">2</);
    expect(cart.text).toMatch(/data-testid="cart-count-phone">2</);
  });

  it('adds to the quantity of a product already in the cart', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(mango.id, 1);
    await shopper.addToCart(mango.id, 2);
    const cart = await shopper.agent.get('/cart');
    expect(cart.text.match(/data-testid="cart-line"/g)).toHaveLength(1);
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$960</);
  });

  it('changes the quantity of a line', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 1);
    const changed = await shopper.post('/cart', { [`quantity-${oolong.id}`]: 3, next: 'cart' });
    expect(changed.status).toBe(303);
    expect(changed.headers.location).toBe('/cart');
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$3,840</);
  });

  it('saves every quantity shown when the checkout button is pressed, and goes on to checkout', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 1);
    await shopper.addToCart(mango.id, 1);
    const page = await shopper.agent.get('/cart');
    // The quantity fields and the checkout button belong to one form.
    expect(page.text).toMatch(new RegExp(`form="cart-form" name="quantity-${oolong.id}"`));
    expect(page.text).toMatch(/<form id="cart-form" method="post" action="\/cart"[\s\S]*name="next" value="checkout" data-testid="go-to-checkout"/);
    const sent = await shopper.post('/cart', { [`quantity-${oolong.id}`]: 2, [`quantity-${mango.id}`]: 4, next: 'checkout' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/checkout');
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$3,840</);
  });

  it('removes a line', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 1);
    await shopper.addToCart(mango.id, 1);
    const removed = await shopper.post(`/cart/items/${oolong.id}/remove`);
    expect(removed.status).toBe(303);
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).not.toContain('阿里山高山烏龍茶');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$320</);
  });

  it('takes the price from the database, whatever price the form posts', async () => {
    const shopper = new Shopper(shop.app);
    const added = await shopper.post('/cart/items', { productId: oolong.id, quantity: 1, price: 1, priceTwd: 1 });
    expect(added.status).toBe(303);
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$1,280</);
  });

  it('refuses a quantity outside 1 to 20', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 1);
    for (const quantity of [0, 21, 1.5, 'many']) {
      const res = await shopper.post('/cart', { [`quantity-${oolong.id}`]: quantity });
      expect(res.status, `quantity ${quantity}`).toBe(400);
    }
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$1,280</);
  });

  it('answers 404 when adding a product that does not exist', async () => {
    const shopper = new Shopper(shop.app);
    const res = await shopper.post('/cart/items', { productId: 999_999 });
    expect(res.status).toBe(404);
  });

  it('refuses cart changes without the CSRF token', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(mango.id, 1);
    const attempts = [
      shopper.agent.post('/cart/items').type('form').send({ productId: oolong.id, quantity: 1 }),
      shopper.agent.post('/cart').type('form').send({ [`quantity-${mango.id}`]: 5 }),
      shopper.agent.post(`/cart/items/${mango.id}/remove`).type('form').send({ _csrf: 'forged' }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(403);
    const cart = await shopper.agent.get('/cart');
    expect(cart.text).toMatch(/data-testid="cart-total">NT\$320</);
  });

  it('drops a product withdrawn from sale and says so', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 1);
    await shopper.addToCart(mango.id, 1);
    await shop.db.product.update({ where: { id: oolong.id }, data: { status: 'archived' } });
    try {
      expect((await shopper.agent.get('/checkout')).headers.location).toBe('/cart');
      const cart = await shopper.agent.get('/cart');
      expect(cart.text).toContain('data-testid="cart-withdrawn"');
      expect(cart.text).toMatch(/data-testid="cart-total">NT\$320</);
      expect((await shopper.agent.get('/checkout')).status).toBe(200);
    } finally {
      await shop.db.product.update({ where: { id: oolong.id }, data: { status: 'active' } });
    }
    const later = await shopper.agent.get('/cart');
    expect(later.text).not.toContain('阿里山高山烏龍茶');
  });

  it('warns about a quantity above the stock and offers no checkout', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 5);
    await shop.db.product.update({ where: { id: oolong.id }, data: { stock: 3 } });
    try {
      const cart = await shopper.agent.get('/cart');
      expect(cart.text).toContain('庫存只剩 3 件');
      expect(cart.text).not.toContain('data-testid="go-to-checkout"');
      expect(cart.text).toContain('data-testid="cart-not-orderable"');
    } finally {
      await shop.db.product.update({ where: { id: oolong.id }, data: { stock: oolong.stock } });
    }
  });

  it('says a sold-out line is sold out and offers to remove it, and why checkout is not offered', async () => {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(oolong.id, 2);
    await shopper.addToCart(mango.id, 1);
    await shop.db.product.update({ where: { id: oolong.id }, data: { stock: 0 } });
    try {
      const cart = await shopper.agent.get('/cart');
      expect(cart.text).toContain('這項商品已售完，請移除後再結帳。');
      expect(cart.text).not.toContain('庫存只剩 0 件');
      expect(cart.text).not.toContain(`name="quantity-${oolong.id}"`);
      expect(cart.text).toContain(`action="/cart/items/${oolong.id}/remove"`);
      expect(cart.text).not.toContain('data-testid="go-to-checkout"');
      expect(cart.text).toContain('上面標示的品項目前無法出貨');
      const english = await shopper.agent.get('/cart?lang=en');
      expect(english.text).toContain('Sold out: remove it to check out.');
      await shopper.post(`/cart/items/${oolong.id}/remove`);
      const after = await shopper.agent.get('/cart');
      expect(after.text).toContain('data-testid="go-to-checkout"');
      expect(after.text).not.toContain('data-testid="cart-not-orderable"');
    } finally {
      await shop.db.product.update({ where: { id: oolong.id }, data: { stock: oolong.stock } });
    }
  });
});
