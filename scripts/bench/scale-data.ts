// A year of trading, generated inside PostgreSQL: `orders` orders spread over the last 365 days,
// each with its lines, payment attempts in every state, the PayTokens, state changes and bank
// exchanges they leave behind, refunds, money movements, mails and the bank's settlement lines.
// Set-based INSERT … SELECT over generate_series, through the shop's own tables, keys, foreign
// keys, CHECKs and unique indexes, so a row the shop could not hold fails the run.
import pg from 'pg';
import { seedProducts } from '../../src/catalog/seed';
import { createDatabase } from '../../src/db/prisma';

// Order n's fate, by n % 20: mostly paid, the rest in every other state an order can be in.
const FATE = `CASE
  WHEN n % 20 < 2 THEN 'awaiting_payment'
  WHEN n % 20 < 4 THEN 'expired'
  WHEN n % 20 = 4 THEN 'cancelled'
  WHEN n % 20 = 5 THEN 'refunded'
  WHEN n % 20 = 6 THEN 'partially_refunded'
  ELSE 'paid' END`;

const SURNAMES = ['陳', '林', '黃', '張', '李', '王', '吳', '劉', '蔡', '楊', '許', '鄭', '謝', '郭', '洪'];
const GIVEN = ['怡君', '志明', '雅婷', '家豪', '淑芬', '俊宏', '美玲', '建宏', '佳穎', '冠宇', '宗翰', '欣怡', '承恩', '子涵'];
const CITIES = [['臺北市', '大安區'], ['新北市', '板橋區'], ['臺中市', '西屯區'], ['臺南市', '東區'], ['高雄市', '苓雅區'], ['花蓮縣', '花蓮市']];

/** What a transaction of steps takes; each step is one statement over every order at once. */
export async function generateScaleData(url: string, orders: number, log: (line: string) => void): Promise<void> {
  // The orders' lines are drawn from the shop's demo catalogue, seeded unless the database has products.
  const db = createDatabase(url);
  try {
    await seedProducts(db);
  } finally {
    await db.$disconnect();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const step = async (name: string, sql: string, params: unknown[] = []) => {
      const started = performance.now();
      const result = await client.query(sql, params);
      log(`  ${name}: ${(result.rowCount ?? 0).toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    };
    await client.query('SET synchronous_commit = off');
    // One row per order: its number n, ids and dates, used by every later step.
    await step('plan', `
      CREATE UNLOGGED TABLE scale_plan AS
      SELECT n, gen_random_uuid()::text AS order_id, gen_random_uuid()::text AS payment_id,
             ${FATE}::"OrderStatus" AS status,
             CASE WHEN n % 3 = 0 THEN 'atm' ELSE 'card' END::"PayType" AS pay_type,
             (now() AT TIME ZONE 'UTC') - make_interval(secs => ($1::int - n) * (365.0 * 86400 / $1::int)) AS created
      FROM generate_series(1, $1::int) AS n`, [orders]);
    await client.query('ALTER TABLE scale_plan ADD PRIMARY KEY (n)');
    const products = (await client.query<{ ids: number[] }>(`SELECT array_agg(id ORDER BY id) AS ids FROM "Product" WHERE status = 'active'`)).rows[0]!.ids;
    await step('orders', `
      INSERT INTO "Order" (id, number, "ownerToken", "customerName", email, phone, locale, "payType", "totalTwd", "shippingTwd",
                           "recipientName", "recipientPhone", postcode, city, district, street, status, "paidAt",
                           "fulfilmentStatus", carrier, "trackingNumber", "shippedAt", "deliveredAt", "cancelledAt", "createdAt", "updatedAt")
      SELECT p.order_id,
             'FS' || to_char(p.created + interval '8 hours', 'YYYYMMDD') || upper(substr(md5('o' || p.n), 1, 8)),
             md5('shopper' || (p.n % ($1::int * 2 / 3 + 1))),
             name, 'buyer' || (p.n % ($1::int / 2 + 1)) || '@example.tw',
             '09' || lpad(((p.n::bigint * 7919) % 100000000)::text, 8, '0'),
             CASE WHEN p.n % 7 = 0 THEN 'en' ELSE 'zh-TW' END, p.pay_type,
             600 + (p.n * 37) % 3000, CASE WHEN p.n % 4 = 0 THEN 0 ELSE 100 END,
             name, '09' || lpad(((p.n::bigint * 7919) % 100000000)::text, 8, '0'), '106',
             ($3::text[])[1 + p.n % cardinality($3::text[])], ($4::text[])[1 + p.n % cardinality($4::text[])],
             '和平東路' || (1 + p.n % 300) || '號',
             p.status,
             CASE WHEN p.status IN ('paid', 'refunded', 'partially_refunded') THEN p.created + interval '20 minutes' END,
             fulfilment,
             CASE WHEN fulfilment <> 'unfulfilled' THEN 'tcat' END,
             CASE WHEN fulfilment <> 'unfulfilled' THEN lpad((p.n::bigint * 104729 % 1000000000000)::text, 12, '0') END,
             CASE WHEN fulfilment <> 'unfulfilled' THEN p.created + interval '1 day' END,
             CASE WHEN fulfilment IN ('delivered', 'returned') THEN p.created + interval '3 days' END,
             CASE WHEN p.status = 'cancelled' THEN p.created + interval '2 hours' END,
             p.created, p.created + interval '3 days'
      FROM scale_plan p,
           LATERAL (SELECT ($2::text[])[1 + p.n % cardinality($2::text[])] || ($5::text[])[1 + (p.n / 15) % cardinality($5::text[])] AS name,
                           -- The newest paid orders (about two days' worth) still wait to be shipped.
                           (CASE WHEN p.status NOT IN ('paid', 'partially_refunded') THEN 'unfulfilled'
                                 WHEN p.n > $1::int - $1::int / 180 THEN 'unfulfilled'
                                 WHEN p.n % 50 = 0 THEN 'returned'
                                 WHEN p.n > $1::int - $1::int / 60 THEN 'shipped'
                                 ELSE 'delivered' END)::"FulfilmentStatus" AS fulfilment) x`,
      [orders, SURNAMES, CITIES.map((c) => c[0]), CITIES.map((c) => c[1]), GIVEN]);
    // One to three lines an order.
    await step('order lines', `
      INSERT INTO "OrderLine" ("orderId", "productId", "nameZh", "nameEn", "unitPriceTwd", quantity)
      SELECT p.order_id, pr.id, pr."nameZh", pr."nameEn", pr."priceTwd", 1 + (p.n + k) % 3
      FROM scale_plan p CROSS JOIN LATERAL generate_series(0, p.n % 3) AS k
      JOIN "Product" pr ON pr.id = ($1::int[])[1 + (p.n + k * 5) % cardinality($1::int[])]`, [products]);
    // The attempt that decided the order; every fifth unpaid-then-paid ATM order also has an
    // earlier attempt that expired.
    const attemptStatus = `CASE p.status
      WHEN 'awaiting_payment' THEN (ARRAY['pending', 'pending', 'creating', 'create_failed', 'failed'])[1 + (p.n / 20) % 5]
      WHEN 'expired' THEN 'expired' WHEN 'cancelled' THEN 'pending'
      WHEN 'refunded' THEN 'refunded' ELSE 'paid' END::"PaymentStatus"`;
    await step('payment attempts', `
      INSERT INTO "Payment" (id, "orderId", "orderNo", "payType", amount, status, "tsNo", "payToken", "cardPayUrl", "atmPayNo", "atmBankCode",
                             "atmDeadline", "payDate", "cardLast4", "refundedAmount", "nextBankCheckAt", "createdAt", "updatedAt")
      SELECT p.payment_id, p.order_id,
             'FSP' || to_char(p.created + interval '8 hours', 'YYMMDD') || upper(substr(md5('p' || p.n), 1, 10)) || 'A',
             p.pay_type, o."totalTwd" * 100, s,
             CASE WHEN s NOT IN ('creating', 'create_failed') THEN 'TS' || lpad(p.n::text, 12, '0') END,
             CASE WHEN s IN ('paid', 'refunded', 'failed') THEN md5('token' || p.n) END,
             CASE WHEN p.pay_type = 'card' AND s NOT IN ('creating', 'create_failed') THEN 'https://sandbox.sinopac.example/pay/' || p.n END,
             CASE WHEN p.pay_type = 'atm' AND s NOT IN ('creating', 'create_failed') THEN '9' || lpad(p.n::text, 13, '0') END,
             CASE WHEN p.pay_type = 'atm' AND s NOT IN ('creating', 'create_failed') THEN '807' END,
             CASE WHEN p.pay_type = 'atm' THEN p.created + interval '3 days' END,
             CASE WHEN s IN ('paid', 'refunded') THEN p.created + interval '20 minutes' END,
             CASE WHEN p.pay_type = 'card' AND s IN ('paid', 'refunded') THEN lpad((p.n % 10000)::text, 4, '0') END,
             CASE WHEN p.status = 'refunded' THEN o."totalTwd" * 100 WHEN p.status = 'partially_refunded' THEN 10000 ELSE 0 END,
             CASE WHEN s IN ('pending', 'creating', 'create_failed') THEN p.created + interval '5 minutes' END,
             p.created + interval '1 second', p.created + interval '20 minutes'
      FROM scale_plan p JOIN "Order" o ON o.id = p.order_id, LATERAL (SELECT ${attemptStatus} AS s) x`);
    await step('earlier expired ATM attempts', `
      INSERT INTO "Payment" (id, "orderId", "orderNo", "payType", amount, status, "tsNo", "atmPayNo", "atmBankCode", "atmDeadline", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, p.order_id,
             'FSP' || to_char(p.created + interval '8 hours', 'YYMMDD') || upper(substr(md5('q' || p.n), 1, 10)) || 'B',
             'atm', o."totalTwd" * 100, 'expired', 'TX' || lpad(p.n::text, 12, '0'), '8' || lpad(p.n::text, 13, '0'), '807',
             p.created - interval '1 day', p.created - interval '4 days', p.created - interval '1 day'
      FROM scale_plan p JOIN "Order" o ON o.id = p.order_id WHERE p.pay_type = 'atm' AND p.status = 'paid' AND p.n % 5 = 0`);
    // Three PayTokens a paid attempt: the notification, the shopper's return and a repeat.
    await step('PayTokens', `
      INSERT INTO "PayToken" (token, source, "shopNo", "rawBody", "receivedAt", "paymentId", outcome)
      SELECT pay."payToken", (ARRAY['backend', 'return', 'backend'])[k]::"PayTokenSource", 'NA0249_001',
             '{"ShopNo":"NA0249_001","PayToken":"' || pay."payToken" || '"}', pay."createdAt" + make_interval(mins => 19 + k), pay.id,
             CASE WHEN k = 1 THEN 'applied' ELSE 'already_applied' END
      FROM "Payment" pay CROSS JOIN generate_series(1, 3) AS k WHERE pay."payToken" IS NOT NULL`);
    await step('state changes', `
      INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", applied, reason, "createdAt")
      SELECT pay.id, e.f::"PaymentStatus", e.t::"PaymentStatus", true, e.reason, pay."createdAt" + e.after
      FROM "Payment" pay CROSS JOIN LATERAL (VALUES
        ('creating', CASE WHEN pay.status IN ('creating') THEN NULL WHEN pay.status = 'create_failed' THEN 'create_failed' ELSE 'pending' END, 'checkout', interval '1 second'),
        ('pending', CASE WHEN pay.status IN ('paid', 'refunded') THEN 'paid' WHEN pay.status IN ('failed', 'expired') THEN pay.status::text END, 'callback', interval '20 minutes'),
        ('paid', CASE WHEN pay.status = 'refunded' THEN 'refunded' END, 'refund', interval '2 days')
      ) AS e(f, t, reason, after) WHERE e.t IS NOT NULL`);
    // The bank log: OrderCreate, the query the callback made, and a bank check's re-check, about 1 KB each.
    await step('bank exchanges', `
      INSERT INTO "GatewayExchange" (service, "orderNo", "paymentId", request, response, "durationMs", outcome, "createdAt")
      SELECT (ARRAY['OrderCreate', 'OrderPayQuery', 'OrderQuery'])[k], pay."orderNo", pay.id,
             jsonb_build_object('ShopNo', 'NA0249_001', 'OrderNo', pay."orderNo", 'Amount', pay.amount, 'PayType', CASE pay."payType" WHEN 'card' THEN 'C' ELSE 'A' END,
                                'PrdtName', repeat('農產品禮盒', 20), 'ReturnURL', 'https://shop.example/payments/return', 'BackendURL', 'https://shop.example/payments/notify'),
             jsonb_build_object('Status', 'S', 'Description', 'S0000 – 處理成功', 'OrderNo', pay."orderNo", 'TSNo', pay."tsNo",
                                'Param', repeat('x', 300)),
             80 + k * 13, 'ok', pay."createdAt" + make_interval(mins => k * 10)
      FROM "Payment" pay CROSS JOIN generate_series(1, 3) AS k WHERE k = 1 OR pay.status NOT IN ('creating', 'create_failed')`);
    await step('refunds', `
      INSERT INTO "Refund" (id, "paymentId", kind, amount, "idempotencyKey", status, "createdBy", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, pay.id, 'refund', pay."refundedAmount", md5('refund' || pay.id), 'succeeded', 'owner',
             pay."createdAt" + interval '2 days', pay."createdAt" + interval '2 days'
      FROM "Payment" pay WHERE pay."refundedAmount" > 0`);
    await step('money movements', `
      INSERT INTO "MoneyMovement" (kind, "paymentId", "refundId", amount, "occurredAt")
      SELECT 'payment'::"MoneyMovementKind", id, NULL, amount, "payDate" FROM "Payment" WHERE "payDate" IS NOT NULL
      UNION ALL
      SELECT 'refund'::"MoneyMovementKind", "paymentId", id, amount, "createdAt" FROM "Refund"`);
    await step('mails', `
      INSERT INTO "MailOutbox" (id, "orderId", kind, attempts, "nextAttemptAt", "sentAt", "createdAt")
      SELECT gen_random_uuid()::text, o.id, m.kind::"MailKind", 1, o."createdAt", o."createdAt" + interval '1 minute', o."createdAt"
      FROM "Order" o CROSS JOIN LATERAL (VALUES ('order_placed', true), ('payment_received', o."paidAt" IS NOT NULL),
                                                ('order_shipped', o."shippedAt" IS NOT NULL), ('order_cancelled', o.status = 'cancelled')) AS m(kind, wanted)
      WHERE m.wanted`);
    // The bank's bills: one line a payment collected and one a refund, by Taipei day.
    await step('settlement days', `
      INSERT INTO "SettlementDay" (day, state, "fetchedAt", "bankPayments", "bankPaymentAmount", "bankRefunds", "bankRefundAmount",
                                   "shopPayments", "shopPaymentAmount", "shopRefunds", "shopRefundAmount", "differenceCount")
      SELECT to_char(m."occurredAt" + interval '8 hours', 'YYYYMMDD'), 'balanced', max(m."occurredAt") + interval '1 day',
             count(*) FILTER (WHERE kind = 'payment'), coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0),
             count(*) FILTER (WHERE kind = 'refund'), coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0),
             count(*) FILTER (WHERE kind = 'payment'), coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0),
             count(*) FILTER (WHERE kind = 'refund'), coalesce(sum(amount) FILTER (WHERE kind = 'refund'), 0), 0
      FROM "MoneyMovement" m GROUP BY 1`);
    await step('settlement lines', `
      INSERT INTO "SettlementLine" (day, position, "tsNo", "orderNo", "tsType", "payDate", "payType", amount)
      SELECT to_char(m."occurredAt" + interval '8 hours', 'YYYYMMDD'),
             row_number() OVER (PARTITION BY to_char(m."occurredAt" + interval '8 hours', 'YYYYMMDD') ORDER BY m.id),
             pay."tsNo", pay."orderNo", CASE m.kind WHEN 'payment' THEN 'P' ELSE 'R' END,
             to_char(m."occurredAt" + interval '8 hours', 'YYYYMMDDHH24MI'), pay."payType"::text, m.amount / 100
      FROM "MoneyMovement" m JOIN "Payment" pay ON pay.id = m."paymentId"`);
    await client.query('DROP TABLE scale_plan');
    const started = performance.now();
    await client.query('VACUUM ANALYZE');
    log(`  vacuum analyze in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
}
