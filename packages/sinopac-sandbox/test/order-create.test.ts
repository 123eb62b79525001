import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultCode, type Message } from './support/sandbox-client';
import { atmOrder, cardOrder, newOrderNo, startTestSandbox, taipeiDayAfter, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

describe('OrderCreate', () => {
  it('opens an ATM order: TSNo, a 14-digit virtual account, WebATM and OTP links', async () => {
    const request = atmOrder(sb.clock, { Param1: 'member=42', BackendURL: 'http://127.0.0.1:9/notify' });
    const { message, envelope, plaintext } = await sb.client.call('OrderCreate', request);
    expect(message).toMatchObject({
      OrderNo: request.OrderNo, ShopNo: TEST_SHOP.shopNo, PayType: 'A', Amount: 50000, Param1: 'member=42',
      Status: 'S', Description: 'S0000 – 處理成功',
    });
    expect(message.TSNo).toMatch(/^TS0001\d{8}$/);
    const atm = message.ATMParam as Message;
    expect(atm.AtmPayNo).toMatch(/^99922\d{9}$/);
    const webAtm = new URL(String(atm.WebAtmURL));
    expect(webAtm.origin).toBe(sb.running.origin);
    expect(webAtm.pathname).toBe('/QPay.WebPaySite/Bridge/PayWebATM');
    expect(webAtm.searchParams.get('TD')).toBe(message.TSNo);
    expect(webAtm.searchParams.get('TK')).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(atm.OtpURL)).toContain('/QPay.WebPaySite/Bridge/PayOTP?TD=');
    // The bank writes compact JSON with raw UTF-8 and unescaped slashes.
    expect(plaintext).toBe(JSON.stringify(message));
    expect(plaintext).toContain('處理成功');
    expect(plaintext).not.toContain('\\/');
    expect(envelope.APIService).toBe('OrderCreate');
    expect(envelope.Nonce).toHaveLength(108);
  });

  it('answers with a fresh nonce that is not a usable request nonce', async () => {
    const nonce = await sb.client.nonce();
    const { envelope } = await sb.client.call('OrderCreate', atmOrder(sb.clock), { nonce });
    expect(envelope.Nonce).not.toBe(nonce);
    const reuse = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { nonce: envelope.Nonce });
    expect(resultCode(reuse.message)).toBe('E3001');
  });

  it('opens a card order whose CardPayURL points at the sandbox card page', async () => {
    const request = cardOrder({ Memo: '請於週末配送' });
    const { message } = await sb.client.call('OrderCreate', request);
    expect(message).toMatchObject({ OrderNo: request.OrderNo, PayType: 'C', Amount: 129900, Status: 'S' });
    expect(message).not.toHaveProperty('ATMParam');
    const url = new URL(String((message.CardParam as Message).CardPayURL));
    expect(`${url.origin}${url.pathname}`).toBe(`${sb.running.origin}/QPay.WebPaySite/Bridge/PayCard`);
    expect(url.searchParams.get('TD')).toBe(message.TSNo);
  });

  it('accepts the limits themselves: ATM 3,000,000, ExpireDate today and in 30 days, ExpMinutes 1 and 30, 60-byte PrdtName', async () => {
    const accepted = [
      atmOrder(sb.clock, { Amount: 3_000_000 }),
      atmOrder(sb.clock, { ATMParam: { ExpireDate: taipeiDayAfter(sb.clock, 0) } }),
      atmOrder(sb.clock, { ATMParam: { ExpireDate: taipeiDayAfter(sb.clock, 30) } }),
      atmOrder(sb.clock, { PrdtName: '測'.repeat(20) }),
      cardOrder({ CardParam: { AutoBilling: 'N', ExpMinutes: 1, ExpBillingDays: 7 } }),
      cardOrder({ CardParam: { AutoBilling: 'Y', ExpMinutes: 30, PayTypeSub: 'ONE' } }),
      cardOrder({ Amount: 999_999_900 }),
      // .NET binds digit strings to numbers; the PHP SDK sends CardParam even for ATM orders.
      atmOrder(sb.clock, { Amount: '50000', CardParam: { ExpMinutes: 10 } }),
    ];
    for (const request of accepted) {
      const { message } = await sb.client.call('OrderCreate', request);
      expect(message.Description, JSON.stringify(request)).toBe('S0000 – 處理成功');
    }
  });

  it('accepts what the spec accepts in OrderNo and the other text fields: spaces, Chinese text, any other punctuation', async () => {
    // §4 forbids only ' " and %; 16 Chinese characters and two letters make exactly 50 bytes.
    const orderNos = [`A B ${newOrderNo()}`, `訂單${newOrderNo()}`, `#&+/?=<>{}~${newOrderNo()}`, `${'訂'.repeat(16)}${newOrderNo().slice(-2)}`];
    for (const orderNo of orderNos) {
      const request = cardOrder({
        OrderNo: orderNo, PrdtName: '咖啡豆 <中焙> & 濾掛 #2', Memo: '週末 配送！', Param1: 'a b&c=d', Param2: '會員 42', Param3: '[x]{y}|\\',
        ReturnURL: 'http://127.0.0.1:9/shop/回傳?a=1&b=2', BackendURL: 'http://127.0.0.1:9/shop/notify me',
      });
      const { message } = await sb.client.call('OrderCreate', request);
      expect(message, orderNo).toMatchObject({ OrderNo: orderNo, Status: 'S', Description: 'S0000 – 處理成功' });
      const found = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo });
      expect((found.message.OrderList as Message[]).map((o) => [o.OrderNo, o.PrdtName, o.Memo])).toEqual([[orderNo, request.PrdtName, request.Memo]]);
      const shown = await fetch(`${sb.running.origin}/__sandbox/orders/${encodeURIComponent(orderNo)}`);
      expect(((await shown.json()) as Message).orderNo).toBe(orderNo);
    }
  });

  it('keeps order numbers per shop: the same OrderNo in another shop is no duplicate', async () => {
    const orderNo = newOrderNo();
    expect(resultCode((await sb.client.call('OrderCreate', atmOrder(sb.clock, { OrderNo: orderNo }))).message)).toBe('S0000');
    const other = await sb.keyedClient.call('OrderCreate', atmOrder(sb.clock, { OrderNo: orderNo, ShopNo: 'TS0002_001' }));
    expect(resultCode(other.message)).toBe('S0000');
    expect(other.message.TSNo).toMatch(/^TS0002\d{8}$/);
  });
});
