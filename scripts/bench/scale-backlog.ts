// A backlog drained against the sandbox: BENCH_BACKLOG (1,000 unless set; 100 in a quick run) overdue ATM accounts the
// bank reports expired, expired by the ATM expiry's passes (the job's own function, pass after
// pass of 50, run as the job runs them) at the default pace of SINOPAC_MAX_QUERIES_PER_SECOND, 20 questions a second. The
// bank check's undecided attempts go through the same passes and the same pace. The time for
// 10,000 is BENCH_BACKLOG=10000 measured, or else the 1,000's time scaled by ten (printed so).
import pg from 'pg';
import { createDatabase } from '../../src/db/prisma';
import { bankPace, drainPasses } from '../../src/jobs/bank-pace';
import { ATTEMPTS_PER_PASS } from '../../src/jobs/pass-report';
import { expireOverdueAtmPayments } from '../../src/jobs/expire-atm';
import { createLogger } from '../../src/logger';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import type { Figure } from './report';
import { sized } from './sizes';
import { startTimedSandbox } from './timed-sandbox';

export const BACKLOG = Number(process.env.BENCH_BACKLOG ?? sized(1_000, 100));
const DEFAULT_PACE = 20;
const TARGET_MS = 10 * 60_000;

export async function measureBacklog(url: string, section: string, log: (line: string) => void): Promise<{ figures: Figure[]; notes: string[] }> {
  const sandbox = await startTimedSandbox();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = createDatabase(url, { poolSize: 2 });
  const run = `backlog-${Date.now()}`;
  try {
    // What an interrupted run left would be taken before this run's accounts.
    await client.query(`DELETE FROM "Order" WHERE id LIKE 'backlog-%'`);
    // Two years ago: before every overdue account of the generated year, so each pass takes these first.
    const deadline = new Date(Date.now() - 730 * 86_400_000);
    const { book } = sandbox.sandbox.state;
    // The attempts carry the bank's own TSNo and account number, as OrderCreate's answer gave them.
    const bankOrders = [];
    for (let n = 1; n <= BACKLOG; n++) {
      bankOrders.push(book.create(DEMO_SHOP.shopNo, {
        orderNo: `${run}-${n}`, amount: 50_000, payType: 'A', prdtName: 'backlog', returnUrl: 'http://127.0.0.1:9/return',
        atm: { expireDate: '20241201' },
      }, deadline, sandbox.origin));
    }
    await client.query(`
      INSERT INTO "Order" (id, number, "ownerToken", "customerName", email, phone, locale, "payType", "totalTwd", "shippingTwd",
                           "recipientName", "recipientPhone", postcode, city, district, street, status, "fulfilmentStatus", "createdAt", "updatedAt")
      SELECT $1 || '-' || n, 'FSB' || to_char(now(), 'HH24MISS') || lpad(n::text, 6, '0'), md5($1 || n), '王小明', 'backlog' || n || '@example.tw',
             '0912345678', 'zh-TW', 'atm', 500, 0, '王小明', '0912345678', '106', '臺北市', '大安區', '和平東路1號', 'awaiting_payment', 'unfulfilled', $2::timestamp, $2::timestamp
      FROM generate_series(1, $3::int) AS n`, [run, deadline.toISOString(), BACKLOG]);
    await client.query(`
      INSERT INTO "Payment" (id, "orderId", "orderNo", "payType", amount, status, "tsNo", "atmPayNo", "atmBankCode", "atmDeadline", "createdAt", "updatedAt")
      SELECT $1 || '-pay-' || n, $1 || '-' || n, $1 || '-' || n, 'atm', 50000, 'pending', bank."tsNo", bank."payNo", '807',
             $2::timestamp, $2::timestamp, $2::timestamp
      FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS bank("tsNo", "payNo", n)`,
      [run, deadline.toISOString(), bankOrders.map((o) => o.tsNo), bankOrders.map((o) => o.atm!.payNo)]);

    const sinopac = new SinopacClient({ apiUrl: sandbox.apiUrl, shopNo: DEMO_SHOP.shopNo, hashKeys: DEMO_SHOP.hashKeys, timeoutMs: 15_000 });
    const deps = { db, sinopac, clock: () => new Date(), logger: createLogger('silent') };
    const pace = bankPace(DEFAULT_PACE);
    const settings = { atmExpiryGraceMinutes: 60, bankCheckAfterMinutes: 15 };
    const remaining = async () => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Payment" WHERE id LIKE $1 AND status = 'pending'`, [`${run}-pay-%`])).rows[0]!.n);
    log(`scale: expiring a backlog of ${BACKLOG.toLocaleString('en-US')} overdue ATM accounts at ${DEFAULT_PACE} questions a second ...`);
    const requestsBefore = sandbox.requests();
    const started = performance.now();
    // Pass after pass as the job runs them (payment-jobs.ts). The backlog's accounts come first, so
    // the passes that take them all stop before the generated year's own overdue accounts.
    let passes = 0;
    const pass = () => {
      passes++;
      return expireOverdueAtmPayments(deps, settings, pace);
    };
    await drainPasses(pass, ATTEMPTS_PER_PASS, Math.ceil(BACKLOG / ATTEMPTS_PER_PASS));
    const elapsedMs = performance.now() - started;
    const left = await remaining();
    const asked = (sandbox.requests() - requestsBefore) / 2;
    const tenThousandMs = elapsedMs * (10_000 / BACKLOG);
    const part = `${section}, backlog of overdue ATM accounts`;
    return {
      figures: [
        { section: part, measure: `${BACKLOG.toLocaleString('en-US')} expired, at ${DEFAULT_PACE} questions a second`, value: elapsedMs, unit: 'ms' },
        {
          section: part,
          measure: BACKLOG >= 10_000 ? '10,000 expired (measured)' : `10,000 expired (the ${BACKLOG.toLocaleString('en-US')}'s time × ${10_000 / BACKLOG}, not measured)`,
          value: tenThousandMs,
          unit: 'ms',
          target: { maxValue: TARGET_MS, text: '≤ 10 min' },
        },
        { section: part, measure: 'questions a second, as the sandbox saw them', value: asked / (elapsedMs / 1000), unit: 'req/s' },
      ],
      notes: [`${part}: ${passes} passes, ${left} of ${BACKLOG.toLocaleString('en-US')} still pending at the end, ${Math.round(asked)} OrderQuery questions`],
    };
  } finally {
    await client.query(`DELETE FROM "Order" WHERE id LIKE $1`, [`${run}-%`]).catch(() => undefined);
    await db.$disconnect();
    await client.end();
    await sandbox.close();
  }
}
