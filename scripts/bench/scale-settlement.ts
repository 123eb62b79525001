// Settlement at scale: a day of BENCH_SETTLEMENT_LINES (100,000 unless set; 10,000 in a quick run) bank lines fetched from
// the sandbox (its billExtraLines fault makes a day of that many lines), matched and stored by the
// shop's own fetchSettlementDay, timed whole and with the bill's fetch apart. Twice: a day whose every
// line the shop booked (the rows written here, as the shop's settle would), and a day the shop
// booked none of (every line a difference, the most a day can store). The bench process's RSS is
// sampled meanwhile; it holds the sandbox too, which builds the bill's answer in memory.
import pg from 'pg';
import { createLogger } from '../../src/logger';
import { createDatabase } from '../../src/db/prisma';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { addDays, taipeiDayBounds, taipeiDayOf } from '../../src/settlement/bank-dates';
import { fetchSettlementDay } from '../../src/settlement/settlement-day';
import { SinopacClient } from '../../src/sinopac/client';
import type { Figure } from './report';
import { sized } from './sizes';
import { startTimedSandbox } from './timed-sandbox';

export const SETTLEMENT_LINES = Number(process.env.BENCH_SETTLEMENT_LINES ?? sized(100_000, 10_000));
const MB = 1024 * 1024;

/** The shop's books of a day whose every bank line (the sandbox's EXTRA-<day>-<n>, ATM, NT$100) it booked. */
async function bookDay(client: pg.Client, day: string, lines: number): Promise<void> {
  const noon = new Date(taipeiDayBounds(day).start.getTime() + 12 * 3_600_000).toISOString();
  const booked = await client.query(`SELECT 1 FROM "Payment" WHERE "orderNo" = $1`, [`EXTRA-${day}-${lines}`]);
  if (booked.rowCount) return;
  await client.query('BEGIN');
  await client.query(`
    INSERT INTO "Order" (id, number, "ownerToken", "customerName", email, phone, locale, "payType", "totalTwd", "shippingTwd",
                         "recipientName", "recipientPhone", postcode, city, district, street, status, "paidAt", "fulfilmentStatus", "createdAt", "updatedAt")
    SELECT 'settle-' || $1 || '-' || n, 'FS' || $1 || 'S' || lpad(n::text, 7, '0'), md5('settle' || $1 || n), '王小明', 'settle' || n || '@example.tw',
           '0912345678', 'zh-TW', 'atm', 100, 0, '王小明', '0912345678', '106', '臺北市', '大安區', '和平東路1號', 'paid', $2::timestamp, 'delivered',
           $2::timestamp - interval '1 hour', $2::timestamp
    FROM generate_series(1, $3::int) AS n`, [day, noon, lines]);
  await client.query(`
    INSERT INTO "Payment" (id, "orderId", "orderNo", "payType", amount, status, "tsNo", "atmPayNo", "atmBankCode", "atmDeadline", "payDate", "createdAt", "updatedAt")
    SELECT 'settle-pay-' || $1 || '-' || n, 'settle-' || $1 || '-' || n, 'EXTRA-' || $1 || '-' || n, 'atm', 10000, 'paid',
           'TSS' || $1 || lpad(n::text, 7, '0'), '7' || lpad(n::text, 13, '0'), '807', $2::timestamp + interval '3 days', $2::timestamp,
           $2::timestamp - interval '1 hour', $2::timestamp
    FROM generate_series(1, $3::int) AS n`, [day, noon, lines]);
  await client.query(`
    INSERT INTO "MoneyMovement" (kind, "paymentId", amount, "occurredAt")
    SELECT 'payment', 'settle-pay-' || $1 || '-' || n, 10000, $2::timestamp FROM generate_series(1, $3::int) AS n`, [day, noon, lines]);
  await client.query('COMMIT');
  await client.query('ANALYZE "Order", "Payment", "MoneyMovement"');
}

export async function measureSettlement(url: string, section: string, log: (line: string) => void): Promise<{ figures: Figure[]; notes: string[] }> {
  const sandbox = await startTimedSandbox();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = createDatabase(url, { poolSize: 2 });
  try {
    sandbox.sandbox.control.setFaults({ billExtraLines: SETTLEMENT_LINES });
    const sinopac = new SinopacClient({ apiUrl: sandbox.apiUrl, shopNo: DEMO_SHOP.shopNo, hashKeys: DEMO_SHOP.hashKeys, timeoutMs: 120_000 });
    const deps = { db, sinopac, clock: () => new Date(), logger: createLogger('silent') };
    // Days before the generated year, so that the shop booked nothing else on them.
    const lastYear = addDays(taipeiDayOf(new Date()), -400);
    const days: Array<[string, string]> = [['every line booked by the shop', lastYear], ['no line booked by the shop', addDays(lastYear, -1)]];
    await bookDay(client, days[0]![1], SETTLEMENT_LINES);
    // A kept database may hold an earlier run's bookings of that day: the Taipei day moves on.
    await client.query(`DELETE FROM "Order" WHERE id LIKE 'settle-' || $1 || '-%'`, [days[1]![1]]);
    const figures: Figure[] = [];
    const notes: string[] = [];
    for (const [name, day] of days) {
      await client.query(`DELETE FROM "SettlementDay" WHERE day = $1`, [day]);
      log(`scale: settling a day of ${SETTLEMENT_LINES.toLocaleString('en-US')} lines, ${name} ...`);
      const fetchStarted = performance.now();
      await sinopac.billQuery({ BillDate: day });
      const fetchMs = performance.now() - fetchStarted;
      global.gc?.();
      const rssBefore = process.memoryUsage().rss;
      let peak = rssBefore;
      const sampler = setInterval(() => void (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const sandboxBefore = sandbox.busyMs();
      const started = performance.now();
      const stored = await fetchSettlementDay(deps, day);
      const totalMs = performance.now() - started;
      // The sandbox shares this process's one thread: while it builds, signs and encrypts the bill
      // the shop's code waits for it, so its handling time is the bank's part of the total.
      const sandboxMs = sandbox.busyMs() - sandboxBefore;
      clearInterval(sampler);
      const lines = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "SettlementLine" WHERE day = $1`, [day]);
      const part = `${section}, settlement of ${SETTLEMENT_LINES.toLocaleString('en-US')} lines, ${name}`;
      figures.push(
        { section: part, measure: 'fetched, matched and stored (fetchSettlementDay)', value: totalMs, unit: 'ms', target: { maxValue: 30_000, text: '≤ 30 s' } },
        { section: part, measure: "of which the sandbox's handling of BillQuery (the bank's part)", value: sandboxMs, unit: 'ms' },
        { section: part, measure: "the shop's own part (the whole less the sandbox's handling)", value: totalMs - sandboxMs, unit: 'ms', target: { maxValue: 30_000, text: '≤ 30 s' } },
        { section: part, measure: "the bill's fetch alone (BillQuery, before, sandbox included)", value: fetchMs, unit: 'ms' },
        { section: part, measure: 'bench process RSS above before, peak (sandbox included)', value: (peak - rssBefore) / MB, unit: 'MB' },
      );
      notes.push(`${part}: ${stored.state}, ${stored.differenceCount.toLocaleString('en-US')} differences, ${Number(lines.rows[0]!.n).toLocaleString('en-US')} lines stored`);
    }
    return { figures, notes };
  } finally {
    await db.$disconnect();
    await client.end();
    await sandbox.close();
  }
}
