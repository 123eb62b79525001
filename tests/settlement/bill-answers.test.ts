// What the settlement does with bills that are not plain good news, from a fake bank over HTTP:
// a bill for another day, a refusal, no answer at all. Nothing half-written is ever stored, the job
// goes on with the next day, and "fetch again" says which of these happened.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { addDays, taipeiDayBounds } from '../../src/settlement/bank-dates';
import { fetchDayAgain } from '../../src/settlement/fetch-again';
import { BillDayMismatchError, fetchSettlementDay, type SettlementDependencies } from '../../src/settlement/settlement-day';
import { fetchMissingDays } from '../../src/settlement/settlement-job';
import { SinopacClient } from '../../src/sinopac/client';
// The fake bank, not the sandbox: the sandbox always answers for the day asked, in one layout.
import { FakeBank } from '../support/fake-bank';
import { CapturedLogs } from '../support/log-capture';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SHOP_NO = 'NA0249_001';
const HASH_KEYS = { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67F8FCA44AB9' };
const DAY = '20250610';
// 2025-06-11 03:00 in Taipei: the bill of the 10th is due.
const NOW = new Date(taipeiDayBounds('20250611').start.getTime() + 3 * 3_600_000);

let bank: FakeBank;
let database: TestDatabase;
let deps: SettlementDependencies;
let logs: CapturedLogs;

const bill = (billDate: string, lines: unknown[] = []) => ({
  ShopNo: SHOP_NO, Date: '202506110300', BillDate: billDate, Status: 'S', Description: 'S0000 – 處理成功', OrderList: lines,
});

beforeAll(async () => {
  database = await createTestDatabase();
  bank = await FakeBank.start({ shopNo: SHOP_NO, hashKeys: HASH_KEYS });
});
afterAll(async () => {
  await bank?.close();
  await database?.drop();
});
beforeEach(async () => {
  await database.db.settlementDay.deleteMany();
  bank.misbehaviour = {};
  logs = new CapturedLogs();
  const sinopac = new SinopacClient({ apiUrl: bank.url, shopNo: SHOP_NO, hashKeys: HASH_KEYS, timeoutMs: 1_000 });
  deps = { db: database.db, sinopac, clock: () => NOW, logger: createLogger('info', logs) };
});

describe('a bill that cannot be taken as it is', () => {
  it('is refused when it names another day, and nothing is stored', async () => {
    bank.respond = () => bill('20250609', [{ OrderNo: 'A1', TSType: 'P', Amount: 100 }]);
    await expect(fetchSettlementDay(deps, DAY)).rejects.toBeInstanceOf(BillDayMismatchError);
    expect(await database.db.settlementDay.count()).toBe(0);
    expect(await database.db.settlementLine.count()).toBe(0);
  });

  it("is taken when its BillDate is the same day in the .NET toolkit's yyMMdd", async () => {
    bank.respond = () => bill('250610', [{ OrderNo: 'A1', TSType: 'P', PayType: 'A', Amount: 100 }]);
    const stored = await fetchSettlementDay(deps, DAY);
    expect(stored).toMatchObject({ day: DAY, state: 'differences', bankPayments: 1, differenceCount: 1 });
  });
});

describe('the job, when the bank fails on one day', () => {
  it('logs that day at error level, goes on with the others, and tries it again on the next run', async () => {
    let refuse = true;
    bank.respond = (_service, message) => {
      if (message.BillDate === addDays(DAY, -3) && refuse) return { ShopNo: SHOP_NO, Status: 'F', Description: 'E9900 – 系統忙碌' };
      return bill(String(message.BillDate));
    };
    const first = await fetchMissingDays(deps);
    expect(first.map((o) => [o.day, o.kind])).toEqual([-6, -5, -4, -3, -2, -1, 0].map((n) => [addDays(DAY, n), n === -3 ? 'failed' : 'fetched']));
    const failure = logs.entries().find((e) => e.level === 50 && e.day === addDays(DAY, -3));
    expect(failure?.msg).toContain('could not fetch');
    refuse = false;
    expect(await fetchMissingDays(deps)).toEqual([{ day: addDays(DAY, -3), kind: 'fetched', differences: 0 }]);
  });
});

describe('"fetch again"', () => {
  it('says the bank refused, or gave no usable answer, and stores nothing', async () => {
    bank.respond = () => ({ ShopNo: SHOP_NO, Status: 'F', Description: 'E2901 – 帳務日期錯誤' });
    expect(await fetchDayAgain(deps, DAY)).toEqual({ kind: 'bank_refused', code: 'E2901' });
    bank.misbehaviour = { httpStatus: { endpoint: 'Order', status: 500 } };
    expect(await fetchDayAgain(deps, DAY)).toEqual({ kind: 'bank_unavailable' });
    bank.misbehaviour = {};
    bank.respond = () => bill('20250609');
    expect(await fetchDayAgain(deps, DAY)).toEqual({ kind: 'bank_unavailable' });
    expect(await database.db.settlementDay.count()).toBe(0);
  });

  it('replaces what an earlier fetch stored', async () => {
    bank.respond = () => bill(DAY, [{ OrderNo: 'A1', TSType: 'P', Amount: 100 }, { OrderNo: 'A2', TSType: 'P', Amount: 200 }]);
    await fetchSettlementDay(deps, DAY);
    bank.respond = () => bill(DAY, []);
    const result = await fetchDayAgain(deps, DAY);
    expect(result).toMatchObject({ kind: 'fetched', day: { state: 'balanced', bankPayments: 0, differenceCount: 0 } });
    expect(await database.db.settlementLine.count({ where: { day: DAY } })).toBe(0);
    expect(await database.db.settlementDifference.count({ where: { day: DAY } })).toBe(0);
  });
});
