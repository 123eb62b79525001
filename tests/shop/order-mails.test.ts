// What checkout and "pay again" owe in e-mails: the order confirmation is written with the first
// attempt the bank accepts, in the same transaction, and only once per order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { Shopper, startShopApp, type ShopApp } from '../support/shop-app';

let shop: ShopApp;
let cake: Product;
beforeAll(async () => {
  shop = await startShopApp();
  cake = await shop.db.product.findUniqueOrThrow({ where: { slug: 'pineapple-cake-box' } });
});
afterAll(() => shop.close());

async function checkout(shopper: Shopper, payType: 'atm' | 'card') {
  await shopper.addToCart(cake.id, 1);
  await shopper.checkout({ payType });
  return shop.db.order.findFirstOrThrow({ orderBy: { createdAt: 'desc' }, include: { payments: { orderBy: { createdAt: 'asc' } } } });
}

const outbox = (orderId: string) => shop.db.mailOutbox.findMany({ where: { orderId } });

describe('the order confirmation e-mail', () => {
  it('is owed once an ATM order has its account, naming that attempt', async () => {
    const order = await checkout(new Shopper(shop.app), 'atm');

    const rows = await outbox(order.id);

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'order_placed', paymentId: order.payments[0]!.id, sentAt: null });
    expect(order.payments[0]!.atmPayNo).toBeTruthy();
  });

  it('is not owed while the bank refuses the attempt, and is owed by the attempt it then accepts', async () => {
    const shopper = new Shopper(shop.app);
    shop.bank.sandbox.control.setFaults({ unavailable: true });
    let order;
    try {
      order = await checkout(shopper, 'atm');
    } finally {
      shop.bank.sandbox.control.setFaults({});
    }
    expect(order.payments.map((payment) => payment.status)).toEqual(['create_failed']);
    expect(await outbox(order.id)).toHaveLength(0);

    await shopper.post(`/orders/${order.id}/payments`);

    const accepted = await shop.db.payment.findFirstOrThrow({ where: { orderId: order.id, status: 'pending' } });
    expect(await outbox(order.id)).toMatchObject([{ kind: 'order_placed', paymentId: accepted.id }]);
  });

  it('is owed once per order, however many attempts follow', async () => {
    const shopper = new Shopper(shop.app);
    const order = await checkout(shopper, 'card');
    await shop.db.payment.update({ where: { id: order.payments[0]!.id }, data: { status: 'failed' } });

    await shopper.post(`/orders/${order.id}/payments`);

    expect(await shop.db.payment.count({ where: { orderId: order.id } })).toBe(2);
    expect(await outbox(order.id)).toMatchObject([{ kind: 'order_placed', paymentId: order.payments[0]!.id }]);
  });
});
