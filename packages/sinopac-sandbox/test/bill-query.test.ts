// BillQuery and OrderUnCapturedQuery (docs/sinopac-protocol.md §4.5): what the sandbox collected and gave back on
// a Taipei day, and the card orders still waiting for capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultCode, type Message } from './support/sandbox-client';
import { atmOrder, cardOrder, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
const HOUR = 3_600_000;
const orders: Record<string, string> = {};
const control = () => sb.running.sandbox.control;

async function create(name: string, message: Message): Promise<void> {
  const { message: reply } = await sb.client.call('OrderCreate', message);
  expect(reply.Status).toBe('S');
  orders[name] = String(message.OrderNo);
}

async function refund(orderNo: string, amount?: number): Promise<void> {
  const { message } = await sb.client.call('OrderMaintain', {
    ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo, Command: 'R', ...(amount === undefined ? {} : { Amount: amount }),
  });
  expect(message.Status).toBe('S');
}

const bill = (billDate: unknown) => sb.client.call('BillQuery', { ShopNo: TEST_SHOP.shopNo, BillDate: billDate });
const linesOf = (message: Message) => (message.OrderList as Message[]).map((l) => [l.OrderNo, l.TSType, l.PayType, l.Amount, l.PayDate]);

// The clock starts at 2025-06-10 12:00 Taipei.
beforeAll(async () => {
  sb = await startTestSandbox();
  await create('atm', atmOrder(sb.clock, { Amount: 50000, Param1: 'p1' }));
  control().pay({ orderNo: orders.atm! }); // 06-10 12:00
  sb.clock.advance(HOUR);
  await create('card', cardOrder({ Amount: 129900 }));
  control().pay({ orderNo: orders.card! }); // 06-10 13:00
  await create('authorised', cardOrder({ Amount: 20000, CardParam: { AutoBilling: 'N', ExpBillingDays: 3 } }));
  control().pay({ orderNo: orders.authorised! });
  await create('unpaid', atmOrder(sb.clock));
  sb.clock.advance(12 * HOUR); // 06-11 01:00
  await refund(orders.card!, 29900);
  await refund(orders.card!, 10000);
});
afterAll(() => sb.close());

describe('BillQuery', () => {
  it("lists a day's payments (P) with their amounts and pay dates, and nothing authorised or unpaid", async () => {
    const { message } = await bill('20250610');
    expect(message).toMatchObject({ ShopNo: TEST_SHOP.shopNo, BillDate: '20250610', Status: 'S', Date: '202506110100' });
    expect(linesOf(message)).toEqual([
      [orders.atm, 'P', 'A', 50000, '202506101200'],
      [orders.card, 'P', 'C', 129900, '202506101300'],
    ]);
    const atm = (message.OrderList as Message[])[0]!;
    expect(atm).toMatchObject({ TSDate: '202506101200', Param1: 'p1', Param2: null });
    expect(atm.TSNo).toMatch(/^TS0001\d{8}$/);
  });

  it("lists refunds (R) on the day they were made, each with its own amount", async () => {
    const { message } = await bill('20250611');
    expect(linesOf(message)).toEqual([
      [orders.card, 'R', 'C', 29900, '202506110100'],
      [orders.card, 'R', 'C', 10000, '202506110100'],
    ]);
  });

  it('answers a day with nothing S0001 and an empty list', async () => {
    const { message } = await bill('20250609');
    expect(resultCode(message)).toBe('S0001');
    expect(message.OrderList).toEqual([]);
  });

  it('refuses a missing, malformed or future BillDate', async () => {
    expect(resultCode((await bill(undefined)).message)).toBe('E2901');
    expect(resultCode((await bill('2025-06-10')).message)).toBe('E2901');
    expect(resultCode((await bill('20250631')).message)).toBe('E2901');
    const refused = await bill('20250612');
    expect(resultCode(refused.message)).toBe('E2902');
    expect(refused.message.BillDate).toBe('20250612');
  });

  it('drops, alters and adds lines when the faults say so', async () => {
    control().setOrderFaults({ orderNo: orders.atm! }, { billOmit: true });
    control().setOrderFaults({ orderNo: orders.card! }, { billAlter: { Amount: 99900, PayType: 'A' } });
    control().setFaults({ billExtraLines: 1 });
    try {
      const { message } = await bill('20250610');
      expect(linesOf(message)).toEqual([
        [orders.card, 'P', 'A', 99900, '202506101300'],
        ['EXTRA-20250610-1', 'P', 'A', 10000, '202506101200'],
      ]);
    } finally {
      control().setOrderFaults({ orderNo: orders.atm! }, {});
      control().setOrderFaults({ orderNo: orders.card! }, {});
      control().setFaults({});
    }
  });
});

describe('OrderUnCapturedQuery', () => {
  it('lists card orders authorised and not captured, with the scheduled capture as ExpireDate', async () => {
    const { message } = await sb.client.call('OrderUnCapturedQuery', { ShopNo: TEST_SHOP.shopNo });
    expect(message.Status).toBe('S');
    expect(message.OrderList).toEqual([{
      OrderNo: orders.authorised,
      TSNo: expect.stringMatching(/^TS0001\d{8}$/),
      TSDate: '202506101300',
      ApprovedDate: '202506101300',
      ExpireDate: '202506131300',
      Amount: 20000,
      PayType: 'C',
      PrdtName: expect.any(String),
      Memo: null,
      PayStatus: '1C300',
    }]);
  });

  it('looks up one order by OrderNo, and answers S0001 for one that is captured', async () => {
    const one = await sb.client.call('OrderUnCapturedQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: orders.authorised });
    expect((one.message.OrderList as Message[]).map((o) => o.OrderNo)).toEqual([orders.authorised]);
    const captured = await sb.client.call('OrderUnCapturedQuery', { ShopNo: TEST_SHOP.shopNo, OrderNo: orders.card });
    expect(resultCode(captured.message)).toBe('S0001');
    expect(captured.message.OrderList).toEqual([]);
  });
});
