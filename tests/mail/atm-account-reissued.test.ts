// Every ATM account is mailed: a second one, issued when the shopper pays again after the first
// expired or switches from a declined card to ATM, like the first: once per account, in the order's
// language, with the account, bank code, amount and deadline; never for a card attempt.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainMailOutbox } from '../../src/mail/deliver';
import { formatTaipeiDateTime } from '../../src/web/views';
import type { Order } from '../../src/generated/prisma/client';
import type { MailCatcher } from 'sinopac-sandbox';
import { startAdminHarness, type AdminHarness } from '../support/admin-harness';
import { closeSenders, deliveryDeps, startCatcher } from '../support/mail-harness';
import { createOrder, createProduct } from '../support/shop-fixtures';
import { startedAttempt } from '../support/started-attempt';

let h: AdminHarness;
let catcher: MailCatcher;

beforeAll(async () => {
  h = await startAdminHarness({ backOffice: false });
  catcher = await startCatcher();
});
afterAll(async () => {
  closeSenders();
  await catcher.close();
  await h.close();
});

async function atmOrder(locale = 'zh-TW'): Promise<Order> {
  const product = await createProduct(h.db, { priceTwd: 820, stock: 10 });
  const order = await createOrder(h.db, { lines: [{ product, quantity: 1 }], payType: 'atm', reserve: true });
  return h.db.order.update({ where: { id: order.id }, data: { locale } });
}

/** The ATM expiry's outcome, without the wait: the attempt and its order expired. */
async function expire(order: Order) {
  await h.db.payment.updateMany({ where: { orderId: order.id, status: 'pending' }, data: { status: 'expired' } });
  await h.db.order.update({ where: { id: order.id }, data: { status: 'expired' } });
}

const kinds = async (order: Order) => (await h.db.mailOutbox.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } })).map((mail) => [mail.kind, mail.paymentId]);

describe('a later ATM account', () => {
  it('is mailed once per account, with its own account number', async () => {
    const order = await atmOrder('en');
    const first = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'atm' });
    await expire(order);
    const second = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'atm' });
    await expire(order);
    const third = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'atm' });
    expect(await kinds(order)).toEqual([
      ['order_placed', first.id],
      ['atm_account_reissued', second.id],
      ['atm_account_reissued', third.id],
    ]);
    await drainMailOutbox(deliveryDeps(h.db, { catcher }));
    await drainMailOutbox(deliveryDeps(h.db, { catcher }));
    const mails = catcher.mails().filter((mail) => mail.subject.includes(order.number));
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      `Fengshou Shop: order ${order.number} received`,
      `Fengshou Shop: the ATM account for order ${order.number}`,
      `Fengshou Shop: the ATM account for order ${order.number}`,
    ]);
    const grouped = (account: string) => account.replace(/(\d{4})(?=\d)/g, '$1 ');
    const reissued = mails.filter((mail) => mail.subject.includes('the ATM account'));
    expect(reissued.some((mail) => mail.text.includes(grouped(second.atmPayNo!)))).toBe(true);
    expect(reissued.some((mail) => mail.text.includes(grouped(third.atmPayNo!)))).toBe(true);
    expect(second.atmPayNo).not.toBe(third.atmPayNo);
  });

  it('is mailed when the shopper switches from a declined card to ATM, with account, bank code, amount and deadline', async () => {
    const product = await createProduct(h.db, { priceTwd: 640, stock: 10 });
    const order = await createOrder(h.db, { lines: [{ product, quantity: 2 }], payType: 'card', reserve: true });
    const card = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'card' });
    await h.db.payment.update({ where: { id: card.id }, data: { status: 'failed' } });
    const atm = await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'atm' });
    expect(await kinds(order)).toEqual([['order_placed', card.id], ['atm_account_reissued', atm.id]]);
    await drainMailOutbox(deliveryDeps(h.db, { catcher }));
    const mail = catcher.mails().find((m) => m.subject === `【豐收商店】訂單 ${order.number} 的 ATM 繳款帳號`)!;
    const account = atm.atmPayNo!.replace(/(\d{4})(?=\d)/g, '$1 ');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(account);
      expect(part).toContain('807 永豐銀行');
      expect(part).toContain('NT$1,280');
      expect(part).toContain(`${formatTaipeiDateTime(atm.atmDeadline, 'zh-TW')} （台灣時間）`);
    }
    expect(mail.text).toContain('請不要再使用先前的帳號或信用卡付款連結');
  });

  it('is not mailed for a card attempt started after an expired one', async () => {
    const order = await atmOrder();
    await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'atm' });
    await expire(order);
    await startedAttempt(h.attemptDeps, { orderId: order.id, payType: 'card' });
    expect((await kinds(order)).map(([kind]) => kind)).toEqual(['order_placed']);
  });
});
