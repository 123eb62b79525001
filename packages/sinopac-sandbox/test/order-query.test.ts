import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultCode, type Message } from './support/sandbox-client';
import { atmOrder, cardOrder, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
const orders: Record<string, string> = {};
const MINUTE = 60_000;

async function create(name: string, message: Message): Promise<void> {
  const { message: reply } = await sb.client.call('OrderCreate', message);
  expect(reply.Status).toBe('S');
  orders[name] = String(message.OrderNo);
}

const control = () => sb.running.sandbox.control;

// The clock starts at 2025-06-10 12:00 Taipei; each order is made and settled at a known minute.
beforeAll(async () => {
  sb = await startTestSandbox();
  await create('atmPaid', atmOrder(sb.clock, { Memo: '備註', Param2: 'p2' }));
  sb.clock.advance(30 * MINUTE); // 12:30
  control().pay({ orderNo: orders.atmPaid! });
  sb.clock.advance(30 * MINUTE); // 13:00
  await create('atmUnpaid', atmOrder(sb.clock));
  await create('atmExpired', atmOrder(sb.clock));
  control().expire({ orderNo: orders.atmExpired! });
  sb.clock.advance(60 * MINUTE); // 14:00
  await create('cardCaptured', cardOrder());
  control().pay({ orderNo: orders.cardCaptured! });
  await create('cardAuthorised', cardOrder({ CardParam: { AutoBilling: 'N' } }));
  control().pay({ orderNo: orders.cardAuthorised! });
  await create('cardDeclined', cardOrder());
  control().pay({ orderNo: orders.cardDeclined! }, 'declined');
  await create('cardExpired', cardOrder({ CardParam: { AutoBilling: 'Y', ExpMinutes: 5 } }));
  sb.clock.advance(6 * MINUTE); // 14:06: only the 5-minute link has lapsed
});
afterAll(() => sb.close());

async function query(conditions: Message): Promise<{ message: Message; list: Message[] }> {
  const { message } = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, ...conditions });
  expect(message.Status).toBe('S');
  return { message, list: message.OrderList as Message[] };
}

const numbersOf = (list: Message[]) => list.map((o) => o.OrderNo).sort();
const named = (...names: string[]) => names.map((n) => orders[n]).sort();

describe('OrderQuery', () => {
  it('finds one order by OrderNo with every field of the list entry', async () => {
    const { message, list } = await query({ OrderNo: orders.atmPaid });
    expect(message).toMatchObject({ ShopNo: TEST_SHOP.shopNo, Date: '202506101406', Description: 'S0000 – 處理成功' });
    expect(list).toHaveLength(1);
    const entry = list[0]!;
    expect(entry).toMatchObject({
      OrderNo: orders.atmPaid, TSDate: '202506101200', PayDate: '202506101230', ApprovedDate: null, Amount: 50000,
      PayType: 'A', PayStatus: '1A400', ExpireDate: '202506132359', RefundFlag: 'N', RefundStatus: null, RefundDate: null,
      PrdtName: '虛擬帳號訂單', Memo: '備註', Param1: null, Param2: 'p2', Param3: null,
    });
    expect(entry.TSNo).toMatch(/^TS0001\d{8}$/);
    expect(entry.ATMParam).toMatchObject({ BankNo: '807' });
    expect((entry.ATMParam as Message).AtmPayNo).toMatch(/^99922\d{9}$/);
    expect((entry.ATMParam as Message).AcctNo).toMatch(/^\d{5}$/);
  });

  it('says S0001 with an empty list when nothing matches', async () => {
    const { message, list } = await query({ OrderNo: 'NO-SUCH-ORDER' });
    expect(resultCode(message)).toBe('S0001');
    expect(list).toEqual([]);
  });

  it("looks an OrderNo up among the shop's own orders only, with the other conditions still applied", async () => {
    const { book } = sb.running.sandbox.state;
    const elsewhere = { amount: 100, payType: 'A' as const, prdtName: 'other shop', returnUrl: 'http://127.0.0.1:9/r', atm: { expireDate: '20250620' } };
    book.create('NA0999_001', { ...elsewhere, orderNo: 'OTHER-SHOP-ONLY' }, sb.clock.now(), sb.running.origin);
    book.create('NA0999_001', { ...elsewhere, orderNo: orders.atmUnpaid! }, sb.clock.now(), sb.running.origin);
    expect((await query({ OrderNo: 'OTHER-SHOP-ONLY' })).list).toEqual([]);
    expect((await query({ OrderNo: orders.atmUnpaid })).list.map((o) => [o.OrderNo, o.PrdtName])).toEqual([[orders.atmUnpaid, '虛擬帳號訂單']]);
    expect((await query({ OrderNo: orders.atmPaid, PayFlag: 'N' })).list).toEqual([]);
    expect(control().order({ orderNo: 'OTHER-SHOP-ONLY' }).shopNo).toBe('NA0999_001');
    expect(() => control().order({ orderNo: orders.atmUnpaid! })).toThrow(/several shops/);
    expect(control().order({ orderNo: orders.atmUnpaid!, shopNo: TEST_SHOP.shopNo }).prdtName).toBe('虛擬帳號訂單');
  });

  it.each([
    ['A', 'Y', ['atmPaid'], '1A400'],
    ['A', 'N', ['atmUnpaid'], '1A200'],
    ['A', 'O', ['atmExpired'], '1A250'],
    ['C', 'Y', ['cardCaptured'], '1C400'],
    ['C', 'O', ['cardExpired'], '1C250'],
  ])('PayType %s with PayFlag %s finds %j (PayStatus %s)', async (payType, payFlag, names, payStatus) => {
    const { list } = await query({ PayType: payType, PayFlag: payFlag });
    expect(numbersOf(list)).toEqual(named(...names));
    expect(list.map((o) => o.PayStatus)).toEqual(names.map(() => payStatus));
  });

  it('counts authorised-not-captured and declined card orders as not paid (PayFlag N)', async () => {
    const { list } = await query({ PayType: 'C', PayFlag: 'N' });
    expect(numbersOf(list)).toEqual(named('cardAuthorised', 'cardDeclined'));
    const byNo = Object.fromEntries(list.map((o) => [o.OrderNo, o]));
    expect(byNo[orders.cardAuthorised!]!.PayStatus).toBe('1C300');
    expect(byNo[orders.cardDeclined!]!.PayStatus).toBe('1C200');
  });

  it('applies PayFlag across both channels when PayType is absent', async () => {
    const { list } = await query({ PayFlag: 'Y' });
    expect(numbersOf(list)).toEqual(named('atmPaid', 'cardCaptured'));
  });

  it('filters by order time and by payment time (yyyyMMddHHmm, both ends inclusive)', async () => {
    expect(numbersOf((await query({ OrderDateTimeS: '202506101200', OrderDateTimeE: '202506101259' })).list)).toEqual(named('atmPaid'));
    expect(numbersOf((await query({ OrderDateTimeS: '202506101300', OrderDateTimeE: '202506101300' })).list))
      .toEqual(named('atmUnpaid', 'atmExpired'));
    expect(numbersOf((await query({ PayDateTimeS: '202506101230', PayDateTimeE: '202506101230' })).list)).toEqual(named('atmPaid'));
    expect(numbersOf((await query({ PayDateTimeS: '202506101231', PayDateTimeE: '202506102359' })).list)).toEqual(named('cardCaptured'));
  });

  it('reports card digits only once captured and the AuthCode once authorised', async () => {
    const { list } = await query({ PayType: 'C', OrderDateTimeS: '202506101400', OrderDateTimeE: '202506101400' });
    const byNo = Object.fromEntries(list.map((o) => [o.OrderNo, o.CardParam as Message]));
    expect(byNo[orders.cardCaptured!]).toMatchObject({ LeftCCNo: '499937', RightCCNo: '3145', CCExpDate: '3012' });
    expect(byNo[orders.cardCaptured!]!.AuthCode).toMatch(/^\d{6}$/);
    expect(byNo[orders.cardAuthorised!]).toMatchObject({ LeftCCNo: null, RightCCNo: null });
    expect(byNo[orders.cardAuthorised!]!.AuthCode).toMatch(/^\d{6}$/);
    expect(byNo[orders.cardDeclined!]!.AuthCode).toBeNull();
    expect(String(byNo[orders.cardExpired!]!.CardPayURL)).toContain('/QPay.WebPaySite/Bridge/PayCard?TD=');
    const expired = list.find((o) => o.OrderNo === orders.cardExpired)!;
    expect(expired.ExpireDate).toBe('202506101405');
  });

  it("lists CardParam's instalment and bonus members, empty because every sandbox payment is one-off (docs/sinopac-protocol.md §4.3)", async () => {
    const { list } = await query({ OrderNo: orders.cardCaptured! });
    const members = ['StagingFirstAmount', 'StagingEachAmount', 'BonusCount', 'BonusAmount', 'BonusPayAmount', 'BonusLastCount'];
    expect(Object.fromEntries(members.map((m) => [m, (list[0]!.CardParam as Message)[m]]))).toEqual(Object.fromEntries(members.map((m) => [m, ''])));
  });

  it('returns at most 300 rows', async () => {
    const { book } = sb.running.sandbox.state;
    for (let i = 0; i < 305; i++) {
      book.create(TEST_SHOP.shopNo, {
        orderNo: `BULK${i}`, amount: 100, payType: 'A', prdtName: 'bulk', returnUrl: 'http://127.0.0.1:9/r',
        atm: { expireDate: '20250620' },
      }, sb.clock.now(), sb.running.origin);
    }
    const { list } = await query({ PayType: 'A' });
    expect(list).toHaveLength(300);
  });
});
