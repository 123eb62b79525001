// The bank hangs while the shop asks it what a notification's PayToken stands for. The shop may not
// hang with it: it answers non-S once its SinopacClient gives up (a short timeout here), keeps the
// delivery logged, and the sandbox's next delivery settles the payment.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { placeOrder } from '../payments/payment-flow-helpers';

const BANK_TIMEOUT_MS = 300;

let shop: ShopHarness;

beforeAll(async () => {
  shop = await startShopHarness({}, { bankTimeoutMs: BANK_TIMEOUT_MS });
});
afterAll(() => shop.close());

it('answers non-S within the bank timeout while the bank hangs, and the next delivery settles the payment', async () => {
  const control = shop.sandbox.sandbox.control;
  const { order, payment, product } = await placeOrder(shop, 'atm', { stock: 3 });
  control.setOrderFaults({ orderNo: payment.orderNo }, { payQueryHang: 1 });

  control.pay({ orderNo: payment.orderNo });

  await eventually(async () => control.deliveries({ orderNo: payment.orderNo }).some((d) => d.outcome === 'acknowledged'));
  const [first, second, ...rest] = control.deliveries({ orderNo: payment.orderNo });
  expect([first?.statusCode, first?.body]).toEqual([503, '{"Status":"F"}']);
  // It waited for the bank (one Nonce call, then the Order call that hung), and not much longer.
  expect(first!.durationMs).toBeGreaterThanOrEqual(BANK_TIMEOUT_MS);
  expect(first!.durationMs).toBeLessThan(BANK_TIMEOUT_MS + 2_000);
  expect([second?.outcome, second?.body]).toEqual(['acknowledged', '{"Status":"S"}']);
  expect(rest).toEqual([]);

  expect((await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('paid');
  expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
  expect((await shop.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(2);
  const rows = await shop.db.payToken.findMany({ where: { token: first!.payToken }, orderBy: { id: 'asc' } });
  expect(rows.map((r) => r.outcome)).toEqual(['unavailable:bank_unreachable', 'applied']);
});
