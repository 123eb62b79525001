// BENCH_EXPLAIN=1: the plans of the scale section's main queries, written out as the shop's code
// sends them (src/admin/orders.ts, src/orders/my-orders.ts), printed for BENCHMARKS.md.
import type pg from 'pg';
import { NAV_COUNTS_SQL } from '../../src/admin/nav-counts';

interface Sample {
  name: string;
  number: string;
  email: string;
  orderId: string;
  ownerToken: string;
  sessionId: string;
}

export async function explainQueries(client: pg.Client, sample: Sample, log: (line: string) => void): Promise<void> {
  const pattern = (text: string) => `%${text}%`;
  // The fourth element: a setting the shop's code sends the query with, in its transaction.
  const queries: Array<[string, string, unknown[], string?]> = [
    ['admin orders, all, page 1', `SELECT o.id, o."createdAt" FROM "Order" o WHERE TRUE ORDER BY o."createdAt" DESC, o.id DESC LIMIT 26`, []],
    ['admin orders, to ship', `SELECT o.id FROM "Order" o WHERE o."fulfilmentStatus" = 'unfulfilled' AND o.status IN ('paid', 'partially_refunded')
      ORDER BY COALESCE(o."paidAt", o."createdAt") ASC, o.id ASC LIMIT 26`, []],
    ['admin orders, status paid', `SELECT o.id FROM "Order" o WHERE o.status = 'paid' ORDER BY o."createdAt" DESC, o.id DESC LIMIT 26`, []],
    ['admin search, e-mail (a whole address: looked up whole)', `SELECT o.id FROM "Order" o WHERE lower(o.email) = lower($1)
      ORDER BY o."createdAt" DESC, o.id DESC LIMIT 26`, [sample.email]],
    ['admin search, part of an e-mail address (every arm)', `SELECT o.id FROM "Order" o WHERE o.id IN (
        SELECT id FROM "Order" WHERE number ILIKE $1 UNION SELECT id FROM "Order" WHERE email ILIKE $1
        UNION SELECT id FROM "Order" WHERE phone LIKE $1
        UNION SELECT id FROM "Order" WHERE "customerNameKey" LIKE '%' || product_search_key($2) || '%'
        UNION SELECT "orderId" FROM "Payment" WHERE "orderNo" ILIKE $1 UNION SELECT "orderId" FROM "Payment" WHERE "tsNo" ILIKE $1)
      ORDER BY o."createdAt" DESC, o.id DESC LIMIT 26`, [pattern(sample.email.split('@')[0]!), sample.email.split('@')[0]]],
    ['admin search, name', `SELECT o.id FROM "Order" o WHERE o.id IN (SELECT id FROM "Order" WHERE "customerNameKey" LIKE '%' || product_search_key($1) || '%')
      ORDER BY o."createdAt" DESC, o.id DESC LIMIT 26`, [sample.name]],
    ['admin search, name, the newest 20,000 orders first', `SELECT o.id FROM (SELECT o.id, o."createdAt", o."customerNameKey" FROM "Order" o ORDER BY o."createdAt" DESC, o.id DESC LIMIT 20000) o
      WHERE o."customerNameKey" LIKE '%' || product_search_key($1) || '%' ORDER BY o."createdAt" DESC, o.id DESC LIMIT 26`, [sample.name]],
    ['back-office navbar counts (src/admin/nav-counts.ts)', NAV_COUNTS_SQL.statement, NAV_COUNTS_SQL.values, 'max_parallel_workers_per_gather = 0'],
    ["admin order page's bank exchanges, by attempt", `SELECT * FROM "GatewayExchange" WHERE "paymentId" IN (SELECT id FROM "Payment" WHERE "orderId" = $1)`, [sample.orderId]],
    ['My orders', `SELECT id, "createdAt" FROM (SELECT id, "createdAt" FROM "Order" WHERE "ownerToken" = $1
        UNION SELECT o.id, o."createdAt" FROM "OrderAccess" a JOIN "Order" o ON o.id = a."orderId" WHERE a."sessionId" = $2) visible
      ORDER BY "createdAt" DESC, id DESC LIMIT 21`, [sample.ownerToken, sample.sessionId]],
    ['stock-hold pass', `SELECT id FROM "Order" WHERE status = 'awaiting_payment' AND "createdAt" < now() - interval '1 day' ORDER BY "createdAt" LIMIT 50`, []],
  ];
  for (const [name, sql, params, setting] of queries) {
    if (setting) await client.query(`SET ${setting}`);
    const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    if (setting) await client.query('RESET ALL');
    log(`EXPLAIN ${name}${setting ? ` (with ${setting})` : ''}:\n${rows.map((row) => `    ${row['QUERY PLAN']}`).join('\n')}`);
  }
  const { rows } = await client.query(`SELECT indexrelname AS name, pg_size_pretty(pg_relation_size(indexrelid)) AS size
    FROM pg_stat_user_indexes WHERE indexrelname IN (
      'Order_createdAt_id_idx', 'Order_status_createdAt_id_idx', 'Order_fulfilmentStatus_createdAt_id_idx', 'GatewayExchange_paymentId_idx',
      'Order_to_ship_idx', 'Order_number_trgm_idx', 'Order_email_trgm_idx', 'Order_phone_trgm_idx', 'Order_customerNameKey_trgm_idx',
      'Order_email_lower_idx', 'Order_phone_idx',
      'Payment_orderNo_trgm_idx', 'Payment_tsNo_trgm_idx') ORDER BY 1`);
  log(`index sizes: ${rows.map((row) => `${row.name} ${row.size}`).join(', ')}`);
}
