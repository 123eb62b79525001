// A bill too long for one transaction: its lines are stored in batches while the day is marked
// `storing`. A run that fails half way leaves the day `storing` with part of its lines, shows it
// as not fetched, and the job's next run stores every line exactly once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { taipeiDayBounds } from '../../src/settlement/bank-dates';
import { fetchSettlementDay, type SettlementDependencies } from '../../src/settlement/settlement-day';
import { fetchMissingDays } from '../../src/settlement/settlement-job';
import { DAY_PAGE, dayDetail, dayPage, recentDays } from '../../src/settlement/settlement-report';
import { SinopacClient } from '../../src/sinopac/client';
import { FakeBank } from '../support/fake-bank';
import { CapturedLogs } from '../support/log-capture';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SHOP_NO = 'NA0249_001';
const HASH_KEYS = { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67F8FCA44AB9' };
const DAY = '20250610';
// 2025-06-11 03:00 in Taipei: the bill of the 10th is due.
const NOW = new Date(taipeiDayBounds('20250611').start.getTime() + 3 * 3_600_000);
const LINES = 12_000;

let bank: FakeBank;
let database: TestDatabase;
let deps: SettlementDependencies;

const line = (n: number, amount = 10_000) => ({ TSNo: `TS${n}`, OrderNo: `BATCH${n}`, TSType: 'P', PayType: 'A', Amount: amount });
const bill = (billDate: string, lines: unknown[]) => ({
  ShopNo: SHOP_NO, Date: '202506110300', BillDate: billDate, Status: 'S', Description: 'S0000 – 處理成功', OrderList: lines,
});
/** The day's bill: LINES lines; `broken` puts an amount no column can hold at position 7,000 (in the second batch of 5,000). */
const dayBill = (broken: boolean) => Array.from({ length: LINES }, (_, n) => line(n, broken && n === 7_000 ? 9_000_000_000 : 10_000));

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
  const sinopac = new SinopacClient({ apiUrl: bank.url, shopNo: SHOP_NO, hashKeys: HASH_KEYS, timeoutMs: 5_000 });
  deps = { db: database.db, sinopac, clock: () => NOW, logger: createLogger('info', new CapturedLogs()) };
});

async function storedPositions(day: string): Promise<number[]> {
  const lines = await database.db.settlementLine.findMany({ where: { day }, select: { position: true }, orderBy: { position: 'asc' } });
  return lines.map((l) => l.position);
}

describe('a bill stored in batches', () => {
  it('left half stored by a failed run is shown as not fetched, and the next run of the job stores every line once', async () => {
    let broken = true;
    bank.respond = (_service, message) => bill(String(message.BillDate), message.BillDate === DAY ? dayBill(broken) : []);
    await expect(fetchSettlementDay(deps, DAY)).rejects.toThrow();

    const halfway = await database.db.settlementDay.findUniqueOrThrow({ where: { day: DAY } });
    expect(halfway.state).toBe('storing');
    expect(await storedPositions(DAY)).toEqual(Array.from({ length: 5_000 }, (_, n) => n));
    const shown = await dayDetail(database.db, DAY);
    expect(shown).toMatchObject({ state: 'not_fetched', lines: [], differences: [] });
    expect((await recentDays(database.db, NOW)).find((d) => d.day === DAY)?.state).toBe('not_fetched');

    broken = false;
    const outcomes = await fetchMissingDays(deps);
    expect(outcomes.find((o) => o.day === DAY)).toEqual({ day: DAY, kind: 'fetched', differences: LINES });
    const stored = await database.db.settlementDay.findUniqueOrThrow({ where: { day: DAY } });
    expect(stored).toMatchObject({ state: 'differences', bankPayments: LINES, bankPaymentAmount: BigInt(LINES * 10_000), differenceCount: LINES });
    expect(await storedPositions(DAY)).toEqual(Array.from({ length: LINES }, (_, n) => n));
    expect(await database.db.settlementDifference.count({ where: { day: DAY } })).toBe(LINES);

    // Stored, the day is not fetched by the job again.
    expect((await fetchMissingDays(deps)).find((o) => o.day === DAY)).toBeUndefined();
  });

  it('is shown a page of lines and a page of differences at a time, every one on exactly one page', async () => {
    // 6,000 lines the shop booked none of: as many differences.
    bank.respond = (_service, message) => bill(String(message.BillDate), dayBill(false).filter((_, n) => n % 2 === 0));
    await fetchSettlementDay(deps, DAY);
    const first = await dayPage(database.db, DAY);
    expect(first.lines.map((l) => l.position)).toEqual(Array.from({ length: DAY_PAGE }, (_, n) => n));
    expect(first.differences).toHaveLength(DAY_PAGE);

    const positions: number[] = [];
    const differenceIds: number[] = [];
    let after: { lines?: number; differences?: number } = {};
    for (let pages = 0; pages < 100; pages++) {
      const page = await dayPage(database.db, DAY, after);
      expect(page.lines.length).toBeLessThanOrEqual(DAY_PAGE);
      positions.push(...page.lines.map((l) => l.position));
      differenceIds.push(...page.differences.map((d) => d.id));
      if (page.nextLines === undefined && page.nextDifferences === undefined) break;
      after = { lines: page.nextLines ?? Number.MAX_SAFE_INTEGER, differences: page.nextDifferences ?? Number.MAX_SAFE_INTEGER };
    }
    expect(positions).toEqual(Array.from({ length: LINES / 2 }, (_, n) => n));
    const stored = await database.db.settlementDifference.findMany({ where: { day: DAY }, select: { id: true }, orderBy: { id: 'asc' } });
    expect(differenceIds).toEqual(stored.map((d) => d.id));
    expect(differenceIds).toHaveLength(LINES / 2);
  });

  it('fetched again with a shorter bill keeps only the new lines', async () => {
    let lines = dayBill(false);
    bank.respond = (_service, message) => bill(String(message.BillDate), lines);
    await fetchSettlementDay(deps, DAY);
    expect(await database.db.settlementLine.count({ where: { day: DAY } })).toBe(LINES);

    lines = [line(7, 5_000), line(8, 6_000)];
    const again = await fetchSettlementDay(deps, DAY);
    expect(again).toMatchObject({ state: 'differences', bankPayments: 2, bankPaymentAmount: 11_000n, differenceCount: 2 });
    const kept = await database.db.settlementLine.findMany({ where: { day: DAY }, orderBy: { position: 'asc' } });
    expect(kept.map((l) => [l.position, l.orderNo, l.amount])).toEqual([[0, 'BATCH7', 5_000], [1, 'BATCH8', 6_000]]);
    expect(await database.db.settlementDifference.count({ where: { day: DAY } })).toBe(2);
  });
});
