// A card order's confirmation waits while its card page is open: a card paid at once gets the
// receipt alone, never "please finish paying" and "payment received" in the same minute. A card
// not paid by then gets the confirmation, once, saying the order still waits for its payment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainMailOutbox } from '../../src/mail/deliver';
import type { MailCatcher } from 'sinopac-sandbox';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { payOnCardPage, placeOrder, postReturnForm } from '../payments/payment-flow-helpers';
import { DECLINED_CARD } from '../../packages/sinopac-sandbox/test/support/card-page';

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

const control = () => shop.sandbox.sandbox.control;
/** The harness's card links are open 10 minutes. */
const minutesLater = (minutes: number) => () => new Date(Date.now() + minutes * 60_000);
const drain = (clock?: () => Date) => drainMailOutbox(deliveryDeps(shop.db, { catcher, ...(clock && { clock }) }));
const mailsAbout = (number: string) => catcher.mails().filter((mail) => mail.subject.includes(number));

describe("a card order's confirmation", () => {
  it('is not sent when the card was paid while its page was open: the receipt is the one mail', async () => {
    const { order, payment } = await placeOrder(shop, 'card');
    expect((await drain()).sent).toBe(0);
    control().pay({ orderNo: payment.orderNo });
    await eventually(async () => (await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status === 'paid');
    await drain();
    const later = await drain(minutesLater(12));
    expect(later.notOwed).toBe(1);
    expect((await drain(minutesLater(13))).notOwed).toBe(0);

    const mails = mailsAbout(order.number);
    expect(mails.map((mail) => mail.subject)).toEqual([`【豐收商店】訂單 ${order.number} 已收到款項`]);
    const confirmation = await shop.db.mailOutbox.findFirstOrThrow({ where: { orderId: order.id, kind: 'order_placed' } });
    expect(confirmation.sentAt).toBeNull();
    expect(confirmation.skippedAt).not.toBeNull();
  });

  it('is sent once after the card page closed unpaid, saying the order still waits for its payment', async () => {
    const { order, payment } = await placeOrder(shop, 'card');
    // The bank sends no notification for a decline: the shop learns it from the shopper's return.
    expect((await postReturnForm(await payOnCardPage(payment, DECLINED_CARD))).status).toBe(303);
    expect((await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('failed');
    await drain(minutesLater(5));
    expect(mailsAbout(order.number)).toEqual([]);
    expect((await drain(minutesLater(12))).sent).toBeGreaterThanOrEqual(1);
    await drain(minutesLater(13));
    const mails = mailsAbout(order.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe(`【豐收商店】訂單 ${order.number} 已成立`);
    expect(mails[0]!.text).toContain('您的訂單還在等待付款');
  });
});
