import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resultCode, type Message } from './support/sandbox-client';
import { startReceiver, type Receiver } from './support/sandbox-receiver';
import { atmOrder, cardOrder, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

const control = () => sb.running.sandbox.control;

async function createOrder(message: Message): Promise<string> {
  const { message: reply } = await sb.client.call('OrderCreate', message);
  expect(reply.Status).toBe('S');
  return String(message.OrderNo);
}

const payQuery = (payToken: string) => sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: payToken });
const maintain = (orderNo: string, Command: string, extra: Message = {}) =>
  sb.client.call('OrderMaintain', { ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo, Command, ...extra });
const payStatusOf = (orderNo: string) => control().order({ orderNo }).payStatus;

describe('OrderPayQuery', () => {
  it('reports an approved card payment as docs/sinopac-protocol.md §4.4 describes it, Amount as a string', async () => {
    const orderNo = await createOrder(cardOrder({ Param1: 'member=42' }));
    const { payToken } = control().pay({ orderNo });
    const { message } = await payQuery(payToken);
    expect(message).toMatchObject({ ShopNo: TEST_SHOP.shopNo, PayToken: payToken, Status: 'S', Description: 'S0000 – 處理成功' });
    expect(message.Date).toMatch(/^\d{12}$/);
    expect(message.TSResultContent).toEqual({
      APType: 'PayOut', TSNo: control().order({ orderNo }).tsNo, OrderNo: orderNo, ShopNo: TEST_SHOP.shopNo, PayType: 'C',
      Amount: '129900', Status: 'S', Description: '', Param1: 'member=42', Param2: null, Param3: null,
      LeftCCNo: '499937', RightCCNo: '3145', CCExpDate: '3012', CCToken: null, PayDate: '202506101200',
    });
  });

  it('reports a declined card payment with TSResultContent Status F', async () => {
    const orderNo = await createOrder(cardOrder());
    const { payToken } = control().pay({ orderNo }, 'declined');
    const content = (await payQuery(payToken)).message.TSResultContent as Message;
    expect(content).toMatchObject({ APType: 'PayOut', OrderNo: orderNo, Status: 'F', RightCCNo: '0002' });
    expect(String(content.Description)).toMatch(/^E2701 – /);
  });

  it('reports an ATM payment without card fields', async () => {
    const orderNo = await createOrder(atmOrder(sb.clock));
    const { payToken } = control().pay({ orderNo });
    const content = (await payQuery(payToken)).message.TSResultContent as Message;
    expect(content).toMatchObject({ APType: 'PayOut', OrderNo: orderNo, PayType: 'A', Amount: '50000', Status: 'S' });
    expect(content).not.toHaveProperty('LeftCCNo');
  });

  it("does not reveal another shop's PayToken", async () => {
    const orderNo = await createOrder(atmOrder(sb.clock));
    const { payToken } = control().pay({ orderNo });
    const { message } = await sb.keyedClient.call('OrderPayQuery', { ShopNo: 'TS0002_001', PayToken: payToken });
    expect(resultCode(message)).toBe('E2402');
  });
});

describe('OrderMaintain', () => {
  it('captures an authorisation (P), then refunds part (R with Amount) and the rest (R without)', async () => {
    const orderNo = await createOrder(cardOrder({ CardParam: { AutoBilling: 'N' } }));
    control().pay({ orderNo });
    expect(payStatusOf(orderNo)).toBe('1C300');

    const captured = await maintain(orderNo, 'P');
    expect(captured.message).toMatchObject({ OrderNo: orderNo, Command: 'P', Amount: 129900, Status: 'S' });
    expect(captured.message.TSNo).toMatch(/^TS0001/);
    expect(payStatusOf(orderNo)).toBe('1C400');

    const partial = await maintain(orderNo, 'R', { Amount: 50000, Remark: '部分退貨' });
    expect(partial.message).toMatchObject({ Command: 'R', Amount: 50000, Status: 'S' });
    expect(resultCode((await maintain(orderNo, 'R', { Amount: 80000 })).message)).toBe('E9921');
    const rest = await maintain(orderNo, 'R');
    expect(rest.message).toMatchObject({ Amount: 79900, Status: 'S' });
    expect(resultCode((await maintain(orderNo, 'R')).message)).toBe('E9920');

    const [entry] = (await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo })).message.OrderList as Message[];
    expect(entry).toMatchObject({ PayStatus: '1C400', RefundFlag: 'R', RefundStatus: '2C900' });
    expect(entry!.RefundDate).toMatch(/^\d{12}$/);
  });

  it('cancels an authorisation (C), after which nothing else is allowed', async () => {
    const orderNo = await createOrder(cardOrder({ CardParam: { AutoBilling: 'N' } }));
    control().pay({ orderNo });
    expect((await maintain(orderNo, 'C')).message).toMatchObject({ Command: 'C', Status: 'S' });
    expect(payStatusOf(orderNo)).toBe('1C351');
    for (const command of ['C', 'P', 'R']) {
      expect(resultCode((await maintain(orderNo, command)).message), command).toBe('E2001');
    }
  });

  it('refuses what the state does not allow', async () => {
    const unpaid = await createOrder(cardOrder());
    for (const command of ['C', 'P', 'R']) expect(resultCode((await maintain(unpaid, command)).message), command).toBe('E2001');

    const captured = await createOrder(cardOrder({ CardParam: { AutoBilling: 'Y' } }));
    control().pay({ orderNo: captured });
    expect(resultCode((await maintain(captured, 'C')).message)).toBe('E2001');
    expect(resultCode((await maintain(captured, 'P')).message)).toBe('E2001');
    expect(resultCode((await maintain(captured, 'R', { Amount: 129950 })).message)).toBe('E0401');
    expect(resultCode((await maintain(captured, 'R', { Amount: 130000 })).message)).toBe('E9921');

    const atm = await createOrder(atmOrder(sb.clock));
    control().pay({ orderNo: atm });
    expect(resultCode((await maintain(atm, 'R')).message)).toBe('E1802');
  });
});

describe('scheduled capture (AutoBilling N with ExpBillingDays)', () => {
  let receiver: Receiver;
  afterEach(() => receiver.close());

  it('captures after the days have passed and notifies a CaptureOut result', async () => {
    receiver = await startReceiver();
    const orderNo = await createOrder(cardOrder({ CardParam: { AutoBilling: 'N', ExpBillingDays: 2 }, BackendURL: receiver.url }));
    control().pay({ orderNo });
    await receiver.waitFor(1);
    sb.clock.advance(2 * 24 * 3_600_000 - 60_000);
    expect(payStatusOf(orderNo)).toBe('1C300');
    sb.clock.advance(60_000);
    expect(payStatusOf(orderNo)).toBe('1C400');
    const [, capture] = await receiver.waitFor(2);
    const content = (await payQuery(String((capture!.json as Message).PayToken))).message.TSResultContent as Message;
    expect(content).toMatchObject({ APType: 'CaptureOut', Status: 'S', OrderNo: orderNo });
  });
});
