// The order's payment method is the one that paid it (or, unpaid, the one open now), wherever it is
// shown: a card declined twice and then an ATM transfer is an ATM order on the order page, My
// orders, the back office's list, filter, order page and CSV, and in the payment-received e-mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashAdminPassword } from '../../src/admin/sign-in';
import { drainMailOutbox } from '../../src/mail/deliver';
import type { MailCatcher } from 'sinopac-sandbox';
import { AdminBrowser, ADMIN_PASSWORD, ADMIN_USERNAME } from '../support/admin-harness';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { startedAttempt } from '../support/started-attempt';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie, payOnCardPage, placeOrder, postReturnForm } from '../payments/payment-flow-helpers';
import { DECLINED_CARD } from '../../packages/sinopac-sandbox/test/support/card-page';

let shop: ShopHarness;
let catcher: MailCatcher;

beforeAll(async () => {
  catcher = await startCatcher();
  shop = await startShopHarness({}, { admin: { username: ADMIN_USERNAME, passwordHash: await hashAdminPassword(ADMIN_PASSWORD, { N: 1024, r: 8, p: 1 }) } });
});
afterAll(async () => {
  await shop.close();
  closeSenders();
  await catcher.close();
});

const control = () => shop.sandbox.sandbox.control;
const statusOf = async (id: string) => (await shop.db.payment.findUniqueOrThrow({ where: { id } })).status;

describe("the order's payment method", () => {
  it('is ATM everywhere once a card was declined twice and an ATM transfer paid', async () => {
    const { order, payment: firstCard, cookie } = await placeOrder(shop, 'card');
    // A decline reaches the shop through the shopper's return only: the bank does not notify it.
    expect((await postReturnForm(await payOnCardPage(firstCard, DECLINED_CARD))).status).toBe(303);
    expect(await statusOf(firstCard.id)).toBe('failed');
    const secondCard = await startedAttempt(shop.attemptDeps, { orderId: order.id, payType: 'card' });
    expect((await postReturnForm(await payOnCardPage(secondCard, DECLINED_CARD))).status).toBe(303);
    expect(await statusOf(secondCard.id)).toBe('failed');

    const atm = await startedAttempt(shop.attemptDeps, { orderId: order.id, payType: 'atm' });
    // Unpaid, the order's method is the attempt open now.
    expect((await getWithCookie(shop, `/orders/${order.id}?lang=en`, cookie)).text).toContain('data-testid="order-pay-type">ATM transfer (virtual account)<');
    control().pay({ orderNo: atm.orderNo });
    await eventually(async () => (await statusOf(atm.id)) === 'paid');

    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(page.text).toContain('data-testid="order-pay-type">ATM 轉帳（虛擬帳號）<');
    const list = await getWithCookie(shop, '/orders', cookie);
    expect(list.text).toContain('data-testid="order-pay-type">ATM 轉帳（虛擬帳號）<');
    expect(list.text).not.toContain('data-testid="order-pay-type">信用卡<');

    const admin = new AdminBrowser(shop.baseUrl);
    expect((await admin.login()).status).toBe(303);
    const row = (html: string) => html.split('data-testid="admin-order-row"').slice(1).find((part) => part.includes(order.number));
    const paidAtm = await admin.agent.get('/admin/orders').query({ view: 'all', status: 'paid', payType: 'atm', q: order.number });
    expect(row(paidAtm.text)).toContain('ATM 轉帳（虛擬帳號）');
    const paidCard = await admin.agent.get('/admin/orders').query({ view: 'all', status: 'paid', payType: 'card', q: order.number });
    expect(row(paidCard.text)).toBeUndefined();
    const detail = await admin.agent.get(`/admin/orders/${order.id}`);
    expect(detail.text).toMatch(/付款方式<\/dt><dd class="col-8">ATM 轉帳（虛擬帳號）</);
    const csv = await admin.agent.get('/admin/orders.csv').query({ q: order.number });
    const csvRow = csv.text.split('\n').find((line) => line.startsWith(order.number))!;
    expect(csvRow).toContain('ATM 轉帳（虛擬帳號）');
    expect(csvRow).not.toContain('信用卡');

    await drainMailOutbox(deliveryDeps(shop.db, { catcher }));
    const receipt = catcher.mails().find((mail) => mail.subject.includes(order.number) && mail.subject.includes('已收到款項'))!;
    expect(receipt.text).toContain('付款方式: ATM 轉帳（虛擬帳號）');
    expect(receipt.html).toContain('ATM 轉帳（虛擬帳號）');
    expect(receipt.text).not.toContain('信用卡');
  });

  it('is the card when an ATM order, its account expired, is paid by a card instead', async () => {
    const { order, payment: account, cookie } = await placeOrder(shop, 'atm');
    // The ATM expiry's outcome, without the wait.
    await shop.db.payment.update({ where: { id: account.id }, data: { status: 'expired' } });
    const card = await startedAttempt(shop.attemptDeps, { orderId: order.id, payType: 'card' });
    control().pay({ orderNo: card.orderNo });
    await eventually(async () => (await statusOf(card.id)) === 'paid');
    expect((await getWithCookie(shop, `/orders/${order.id}`, cookie)).text).toContain('data-testid="order-pay-type">信用卡<');
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).payType).toBe('card');
  });
});
