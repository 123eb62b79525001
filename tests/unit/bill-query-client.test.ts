// SinopacClient.billQuery against a fake bank over HTTP: what it sends, and how leniently it reads
// an answer whose formats are not public (docs/sinopac-protocol.md §4.5).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SinopacClient } from '../../src/sinopac/client';
import { SinopacProtocolError, SinopacRequestError } from '../../src/sinopac/errors';
// The fake bank, not the sandbox: the answers read here (an unknown TSType) are ones the sandbox never gives.
import { FakeBank } from '../support/fake-bank';

const SHOP_NO = 'NA0249_001';
const HASH_KEYS = { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67F8FCA44AB9' };

let bank: FakeBank;
const client = () => new SinopacClient({ apiUrl: bank.url, shopNo: SHOP_NO, hashKeys: HASH_KEYS, timeoutMs: 2_000 });
const answer = (extra: Record<string, unknown>) => ({ ShopNo: SHOP_NO, Date: '202506110900', Status: 'S', Description: 'S0000 – 處理成功', ...extra });

beforeEach(async () => {
  bank = await FakeBank.start({ shopNo: SHOP_NO, hashKeys: HASH_KEYS });
});
afterEach(() => bank.close());

describe('billQuery', () => {
  it('asks for one yyyyMMdd day and reads lines whose dates are numbers, strings or absent', async () => {
    bank.respond = () => answer({
      BillDate: '20250610',
      OrderList: [
        { TSNo: 'NA024900000001', OrderNo: 'A1', TSType: 'P', TSDate: 202506101200, PayDate: '2025-06-10 12:30', PayType: 'A', Amount: 50_000, Param1: null },
        { OrderNo: 'C1', TSType: 'R', PayDate: '', PayType: 'C', Amount: '12900' },
      ],
    });
    const bill = await client().billQuery({ BillDate: '20250610' });
    expect(bank.orders[0]).toMatchObject({ service: 'BillQuery', message: { ShopNo: SHOP_NO, BillDate: '20250610' }, signValid: true });
    expect(bill.OrderList).toEqual([
      { TSNo: 'NA024900000001', OrderNo: 'A1', TSType: 'P', TSDate: '202506101200', PayDate: '2025-06-10 12:30', PayType: 'A', Amount: 50_000, Param1: undefined, Param2: undefined, Param3: undefined },
      { TSNo: undefined, OrderNo: 'C1', TSType: 'R', TSDate: undefined, PayDate: undefined, PayType: 'C', Amount: 12_900, Param1: undefined, Param2: undefined, Param3: undefined },
    ]);
  });

  it('reads a day with nothing, sent without a list', async () => {
    bank.respond = () => answer({ Description: 'S0001 – 查無資料' });
    expect((await client().billQuery({ BillDate: '20250610' })).OrderList).toEqual([]);
  });

  it('refuses a line that is neither a payment nor a refund, and a day that is no date', async () => {
    bank.respond = () => answer({ OrderList: [{ OrderNo: 'X1', TSType: 'X', Amount: 100 }] });
    await expect(client().billQuery({ BillDate: '20250610' })).rejects.toBeInstanceOf(SinopacProtocolError);
    await expect(client().billQuery({ BillDate: '2025-06-10' })).rejects.toBeInstanceOf(SinopacRequestError);
    await expect(client().billQuery({ BillDate: '20250231' })).rejects.toBeInstanceOf(SinopacRequestError);
  });
});
