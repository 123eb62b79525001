// A year of trading: the back office's and the shopper's order queries against a database of
// BENCH_SCALE generated orders (scale-data.ts; 10,000 unless set), each the shop's own function
// called one at a time, the median of 7 after one warm-up. Run alone with `npm run bench:scale`,
// or as a section of `npm run bench`.
import pg from 'pg';
import { findOrderPage, findOrderRecord, orderFiltersSchema, withDefaultView } from '../../src/admin/orders';
import { createDatabase, type Database } from '../../src/db/prisma';
import { findShopperOrder, listShopperOrders } from '../../src/orders/my-orders';
import type { Figure, Measurement } from './report';
import { generateScaleData } from './scale-data';
import { explainQueries } from './scale-explain';
import { measureBacklog } from './scale-backlog';
import { measureScaleOverHttp } from './scale-http';
import { measureSettlement } from './scale-settlement';
import { percentile } from './stats';

export const SCALE_ORDERS = Number(process.env.BENCH_SCALE ?? 10_000);

const RUNS = 7;

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return percentile(samples, 50);
}

interface Sample {
  number: string;
  email: string;
  phone: string;
  name: string;
  orderId: string;
  ownerToken: string;
  sessionId: string;
  /** Where the all-orders list's page 200 starts: after its 4,975th order. */
  page200: string;
}

/** An order of the generated year (not the settlement's or the backlog's own), whose shopper placed exactly one order. */
async function sampleOf(client: pg.Client): Promise<Sample> {
  const { rows } = await client.query(`
    SELECT o.id, o.number, o.email, o.phone, o."customerName", o."ownerToken"
    FROM "Order" o WHERE o."ownerToken" IN (
      SELECT "ownerToken" FROM "Order" WHERE id NOT LIKE 'settle-%' AND id NOT LIKE 'backlog-%' GROUP BY 1 HAVING count(*) = 1 LIMIT 1)`);
  const row = rows[0];
  const last = (await client.query(`SELECT id, (extract(epoch FROM "createdAt") * 1000)::bigint AS ms FROM "Order" ORDER BY "createdAt" DESC, id DESC OFFSET ${199 * 25 - 1} LIMIT 1`)).rows[0];
  return { page200: `${last.ms}~${last.id}`, orderId: row.id, number: row.number, email: row.email, phone: row.phone, name: row.customerName, ownerToken: row.ownerToken, sessionId: 'scale-bench-session' };
}

/** Generates `orders` orders into the empty database at `url` and measures them. */
export async function generateAndMeasureScale(url: string, orders: number, log: (line: string) => void): Promise<Measurement> {
  log(`scale: generating ${orders.toLocaleString('en-US')} orders ...`);
  const started = performance.now();
  await generateScaleData(url, orders, log);
  const measurement = await measureScale(url, orders, log);
  const generatedIn = (performance.now() - started) / 1000;
  return { ...measurement, notes: [`${orders.toLocaleString('en-US')} orders generated in ${generatedIn.toFixed(0)} s`, ...(measurement.notes ?? [])] };
}

/** Measures the `orders` orders already in the database at `url`. */
export async function measureScale(url: string, orders: number, log: (line: string) => void): Promise<Measurement> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db: Database = createDatabase(url, { poolSize: 2 });
  try {
    const size = (await client.query<{ size: string }>('SELECT pg_database_size(current_database()) AS size')).rows[0]!.size;
    const sample = await sampleOf(client);
    if (process.env.BENCH_EXPLAIN === '1') await explainQueries(client, sample, log);
    const filters = (query: Record<string, string>) => withDefaultView(orderFiltersSchema.parse(query));
    const viewer = { shopperId: sample.ownerToken, sessionId: sample.sessionId };
    const queries: Array<[string, () => Promise<unknown>]> = [
      ['admin orders, to ship (default view) page 1', () => findOrderPage(db, filters({}))],
      ['admin orders, all, page 1', () => findOrderPage(db, filters({ view: 'all' }))],
      ['admin orders, all, page 200', () => findOrderPage(db, filters({ view: 'all', after: sample.page200 }))],
      ['admin orders, fulfilment shipped', () => findOrderPage(db, filters({ view: 'all', fulfilment: 'shipped' }))],
      ['admin orders, status paid', () => findOrderPage(db, filters({ status: 'paid' }))],
      ['admin search, order number', () => findOrderPage(db, filters({ q: sample.number }))],
      ['admin search, e-mail', () => findOrderPage(db, filters({ q: sample.email }))],
      ['admin search, phone', () => findOrderPage(db, filters({ q: sample.phone }))],
      ['admin search, name', () => findOrderPage(db, filters({ q: sample.name }))],
      ["admin order's page", () => findOrderRecord(db, sample.orderId)],
      ['My orders, a shopper with one order', () => listShopperOrders(db, viewer)],
      ["a shopper's order page", () => findShopperOrder(db, viewer, sample.orderId)],
    ];
    const section = `${orders.toLocaleString('en-US')} orders`;
    const figures: Figure[] = [];
    for (const [measure, run] of queries) {
      figures.push({ section, measure: `${measure}, p50 of ${RUNS}`, value: await medianMs(run), unit: 'ms' });
    }
    // Each part can be left out (BENCH_SCALE_HTTP=0, BENCH_SCALE_SETTLEMENT=0, BENCH_SCALE_BACKLOG=0).
    const none = { figures: [], notes: [] };
    const parts = [
      process.env.BENCH_SCALE_HTTP === '0' ? none : await measureScaleOverHttp(url, sample, section, log),
      process.env.BENCH_SCALE_SETTLEMENT === '0' ? none : await measureSettlement(url, section, log),
      process.env.BENCH_SCALE_BACKLOG === '0' ? none : await measureBacklog(url, section, log),
    ];
    return {
      figures: [...figures, ...parts.flatMap((part) => part.figures)],
      checks: [],
      notes: [...parts.flatMap((part) => part.notes), `${section}: database ${(Number(size) / 1024 / 1024).toFixed(0)} MB`],
    };
  } finally {
    await db.$disconnect();
    await client.end();
  }
}
