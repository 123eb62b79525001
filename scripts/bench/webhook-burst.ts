// The bank's notifications arriving all at once and five times each: 1,000 pending card payments,
// 5,000 callbacks at the shop's BackendURL, then a check in the database that every payment was
// paid exactly once. Also counts the SQL statements one callback costs.
import type pg from 'pg';
import { createLogger } from '../../src/logger';
import { createExchangeAudit } from '../../src/payments/exchange-audit';
import { receivePayToken, type PayTokenIntakeDependencies } from '../../src/payments/pay-token-intake';
import { NOTIFY_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from '../../src/sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { COPIES, postCallbacks, type CallbackLoad } from './callback-load';
import type { CountedDatabase } from './counted-database';
import type { CpuMeters } from './cpu';
import { createPendingPayments, type PendingPayment } from './pending-payments';
import type { Check, Figure, Measurement } from './report';
import { summarize } from './stats';
import type { TimedSandbox } from './timed-sandbox';

const PAYMENTS = 1_000;
/** Paid one by one before the burst, to count statements per callback without concurrency. */
const PROBES = 20;
/** The burst stops taking new PayTokens after this long, to keep the whole bench near 3 minutes. */
const BURST_BUDGET_MS = 75_000;

type Stock = Map<number, number>;

async function stock(pool: pg.Pool): Promise<Stock> {
  const { rows } = await pool.query<{ id: number; stock: number }>('SELECT id, stock FROM "Product"');
  return new Map(rows.map((row) => [row.id, row.stock]));
}

/** Statements one delivery of each PayToken costs, on its own: the first and a repeat after it. */
async function countStatements(deps: PayTokenIntakeDependencies, database: CountedDatabase, flush: () => Promise<void>, tokens: string[]) {
  const perDelivery = async () => {
    const before = database.statements();
    for (const payToken of tokens) {
      const rawBody = JSON.stringify({ ShopNo: DEMO_SHOP.shopNo, PayToken: payToken });
      await receivePayToken(deps, { source: 'backend', shopNo: DEMO_SHOP.shopNo, payToken, rawBody });
    }
    await flush();
    return (database.statements() - before) / tokens.length;
  };
  return { first: await perDelivery(), repeat: await perDelivery() };
}

interface PaymentState {
  paymentStatus: string;
  orderStatus: string;
  /** Applied PaymentEvents into paid. */
  paidEvents: number;
  /** PayToken deliveries recorded, and those that applied the result. */
  deliveries: number;
  appliedDeliveries: number;
}

async function paymentStates(pool: pg.Pool, payments: PendingPayment[]): Promise<PaymentState[]> {
  const { rows } = await pool.query<PaymentState>(
    `SELECT p.status AS "paymentStatus", o.status AS "orderStatus",
            (SELECT count(*) FROM "PaymentEvent" e WHERE e."paymentId" = p.id AND e.applied AND e."toStatus" = 'paid')::int AS "paidEvents",
            (SELECT count(*) FROM "PayToken" t WHERE t.token = b.token)::int AS deliveries,
            (SELECT count(*) FROM "PayToken" t WHERE t.token = b.token AND t.outcome = 'applied')::int AS "appliedDeliveries"
       FROM unnest($1::text[], $2::text[]) AS b(id, token)
       JOIN "Payment" p ON p.id = b.id JOIN "Order" o ON o.id = p."orderId"`,
    [payments.map((p) => p.paymentId), payments.map((p) => p.payToken)],
  );
  return rows;
}

/** `placed` are all the orders the setup placed, whose stock each must have reserved once and no more. */
async function verify(pool: pg.Pool, payments: PendingPayment[], placed: PendingPayment[], load: CallbackLoad, stockBefore: Stock): Promise<Check[]> {
  const delivered = new Set(load.delivered);
  const paid = payments.filter((payment) => delivered.has(payment.payToken));
  const untouched = payments.filter((payment) => !delivered.has(payment.payToken));
  const states = await paymentStates(pool, paid);
  const count = (test: (state: PaymentState) => boolean) => states.filter(test).length;

  const expected = new Map(stockBefore);
  for (const { lines } of placed) {
    for (const { productId, quantity } of lines) expected.set(productId, expected.get(productId)! - quantity);
  }
  const stockAfter = await stock(pool);
  const wrongStock = [...expected].filter(([id, value]) => stockAfter.get(id) !== value).map(([id]) => id);
  const stillPending = (await paymentStates(pool, untouched)).filter((s) => s.paymentStatus === 'pending' && s.deliveries === 0).length;

  const n = paid.length;
  const checks: Check[] = [
    { name: 'every callback acknowledged', passed: load.sent > 0 && load.acknowledged === load.sent, detail: `${load.acknowledged} of ${load.sent} answered 200 {"Status":"S"}` },
    { name: 'every notified payment paid exactly once', passed: count((s) => s.paymentStatus === 'paid' && s.paidEvents === 1) === n, detail: `${count((s) => s.paymentStatus === 'paid' && s.paidEvents === 1)} of ${n} paid, each with exactly one applied PaymentEvent` },
    { name: 'every notified order paid', passed: count((s) => s.orderStatus === 'paid') === n, detail: `${count((s) => s.orderStatus === 'paid')} of ${n} orders paid` },
    { name: 'every PayToken recorded 5 times and applied once', passed: count((s) => s.deliveries === COPIES && s.appliedDeliveries === 1) === n, detail: `${count((s) => s.deliveries === COPIES && s.appliedDeliveries === 1)} of ${n} tokens` },
    { name: 'stock reserved once per order, untouched by payment', passed: wrongStock.length === 0, detail: wrongStock.length === 0 ? `all ${expected.size} products match` : `products ${wrongStock.join(', ')} differ` },
  ];
  if (untouched.length > 0) {
    checks.push({ name: 'payments left out of the burst untouched', passed: stillPending === untouched.length, detail: `${stillPending} of ${untouched.length} still pending with no delivery` });
  }
  return checks;
}

export async function measureWebhookBurst(context: {
  shopUrl: string;
  bareUrl: string;
  database: CountedDatabase;
  sandbox: TimedSandbox;
  cpu: CpuMeters;
}): Promise<Measurement> {
  const { database, sandbox, cpu } = context;
  const logger = createLogger('silent');
  const audit = createExchangeAudit({ db: database.db, logger });
  const sinopac = new SinopacClient({
    apiUrl: sandbox.apiUrl,
    shopNo: DEMO_SHOP.shopNo,
    hashKeys: DEMO_SHOP.hashKeys,
    timeoutMs: 15_000,
    onExchange: audit.record,
  });
  const deps = { db: database.db, sinopac, logger, clock: () => new Date(), inFlight: new Map() };
  const settings = { publicBaseUrl: context.shopUrl, atmExpireDays: 3, cardExpMinutes: 30 };
  const stockBefore = await stock(database.pool);
  const setup = await createPendingPayments(
    { ...deps, settings, sandbox: sandbox.sandbox, statements: database.statements, flushAudit: audit.flush },
    PROBES,
    PAYMENTS,
  );
  const perCallback = await countStatements(deps, database, audit.flush, setup.probes.map((p) => p.payToken));

  const tokens = setup.payments.map((payment) => payment.payToken);
  const before = { bankRequests: sandbox.requests(), shopCpu: cpu.shop(), databaseCpu: cpu.database() };
  const shop = await postCallbacks(`${context.shopUrl}${NOTIFY_PATH}`, DEMO_SHOP.shopNo, tokens, BURST_BUDGET_MS);
  // Each OrderPayQuery is two requests to the bank: Nonce, then Order.
  const bankQueries = (sandbox.requests() - before.bankRequests) / 2;
  const shopCpuMs = cpu.shop() - before.shopCpu;
  const databaseCpuMs = cpu.database() - before.databaseCpu;
  const bareCpuBefore = cpu.bare();
  const bare = await postCallbacks(`${context.bareUrl}/notify`, DEMO_SHOP.shopNo, shop.delivered, BURST_BUDGET_MS);
  const bareCpuMs = cpu.bare() - bareCpuBefore;
  const checks = await verify(database.pool, setup.payments, [...setup.probes, ...setup.payments], shop, stockBefore);

  const rate = (load: CallbackLoad) => (load.sent * 1000) / load.elapsedMs;
  const bareEndpoint = (value: number) => ({ label: 'bare endpoint', value });
  const figures: Figure[] = [
    { section: 'webhook burst', measure: `callbacks sent (of ${PAYMENTS * COPIES}; ${BURST_BUDGET_MS / 1000} s budget)`, value: shop.sent, unit: 'count' },
    { section: 'webhook burst', measure: 'callback throughput', value: rate(shop), unit: 'req/s', baseline: bareEndpoint(rate(bare)) },
    { section: 'webhook burst', measure: 'callback p50 latency', value: summarize(shop.latencies).p50, unit: 'ms', baseline: bareEndpoint(summarize(bare.latencies).p50) },
    { section: 'webhook burst', measure: 'callback p99 latency', value: summarize(shop.latencies).p99, unit: 'ms', baseline: bareEndpoint(summarize(bare.latencies).p99) },
    { section: 'webhook burst', measure: 'shop process CPU per callback', value: shopCpuMs / shop.sent, unit: 'CPU ms', baseline: bareEndpoint(bareCpuMs / bare.sent) },
    { section: 'webhook burst', measure: 'PostgreSQL CPU per callback', value: databaseCpuMs / shop.sent, unit: 'CPU ms' },
    { section: 'webhook burst', measure: 'OrderPayQuery calls per PayToken', value: bankQueries / shop.delivered.length, unit: 'count' },
    { section: 'database', measure: 'SQL statements per payment attempt start', value: setup.statementsPerAttempt, unit: 'count' },
    { section: 'database', measure: 'SQL statements per first callback', value: perCallback.first, unit: 'count' },
    { section: 'database', measure: 'SQL statements per repeated callback', value: perCallback.repeat, unit: 'count' },
  ];
  return { figures, checks };
}
