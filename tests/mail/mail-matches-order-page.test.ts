// An order's e-mails show what its order page shows: each item line, the shipping fee, the total
// and the delivery address of the page are lines of the order-placed and payment-received mails,
// in their plain text and their HTML, in the order's language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainMailOutbox } from '../../src/mail/deliver';
import type { MailCatcher } from 'sinopac-sandbox';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { createOrder, createProduct } from '../support/shop-fixtures';
import { startedAttempt } from '../support/started-attempt';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie } from '../payments/payment-flow-helpers';
import { randomUUID } from 'node:crypto';

let shop: ShopHarness;
let catcher: MailCatcher;

beforeAll(async () => {
  catcher = await startCatcher();
  shop = await startShopHarness();
});
afterAll(async () => {
  await shop.close();
  closeSenders();
  await catcher.close();
});

/** Markup to words: tags and entities out, whitespace collapsed. */
const words = (html: string) =>
  html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ').trim();

/** The order page's item list as [label, amount] rows, and its delivery address as one line of words. */
function orderPageParts(html: string) {
  const items = /data-testid="order-items">([\s\S]*?)<\/ul>/.exec(html)![1]!;
  const rows = items.split('<li').slice(1).map((li) => {
    const text = words(`<li${li}`);
    const at = text.lastIndexOf(' ');
    return [text.slice(0, at), text.slice(at + 1)] as const;
  });
  const address = words(/<address[^>]*data-testid="delivery-address">([\s\S]*?)<\/address>/.exec(html)![1]!);
  return { rows, address };
}

async function orderWithShippingAndAddress(locale: 'zh-TW' | 'en') {
  const product = await createProduct(shop.db, { priceTwd: 160, stock: 10 });
  const shopperId = randomUUID();
  const created = await createOrder(shop.db, { lines: [{ product, quantity: 2 }], payType: 'atm', ownerToken: shopperId, reserve: true });
  // Items NT$320 and the NT$100 fee of an order under NT$1,000, as checkout would have written them.
  const order = await shop.db.order.update({
    where: { id: created.id },
    data: { locale, shippingTwd: 100, totalTwd: 420, recipientName: '林美玲', recipientPhone: '0922333444', postcode: '970', city: '花蓮縣', district: '花蓮市', street: '中山路 1 號 3 樓' },
  });
  const payment = await startedAttempt(shop.attemptDeps, { orderId: order.id, payType: 'atm' });
  return { order, payment, cookie: await shop.shopperCookie(shopperId) };
}

describe.each(['zh-TW', 'en'] as const)('the order e-mails in %s', (locale) => {
  it('have every line of the order page: items, shipping fee, total and delivery address', async () => {
    const { order, payment, cookie } = await orderWithShippingAndAddress(locale);
    await drainMailOutbox(deliveryDeps(shop.db, { catcher }));
    shop.sandbox.sandbox.control.pay({ orderNo: payment.orderNo });
    await eventually(async () => (await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'paid');
    await drainMailOutbox(deliveryDeps(shop.db, { catcher }));

    const page = await getWithCookie(shop, `/orders/${order.id}?lang=${locale}`, cookie);
    const { rows, address } = orderPageParts(page.text);
    expect(rows.map(([, amount]) => amount)).toEqual(['NT$320', 'NT$100', 'NT$420']);
    expect(address).toBe('林美玲 0922333444 970 花蓮縣花蓮市中山路 1 號 3 樓');

    const mails = catcher.mails().filter((mail) => mail.subject.includes(order.number));
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      const textLines = mail.text.split('\n');
      const html = words(mail.html ?? '');
      for (const [label, amount] of rows) {
        expect(textLines.some((line) => line.includes(label) && line.trimEnd().endsWith(amount)), `${mail.subject}: text has "${label} … ${amount}"`).toBe(true);
        expect(html, `${mail.subject}: html has "${label} ${amount}"`).toContain(`${label} ${amount}`);
      }
      expect(mail.text.replace(/\s+/g, ' ')).toContain(address);
      expect(html).toContain(address);
    }
  });
});
