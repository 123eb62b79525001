// The bank's notifications arriving all at once and five times each: 1,000 pending card payments,
// 5,000 callbacks at a BackendURL, then a check in the database that every payment was paid exactly
// once. Four times over, each with its own fresh payments: the shop (one process), in rounds taken
// in turn with the same work on Express and Prisma (bare-callback-endpoint.ts on Express, its own
// database); the bare endpoint that does that work with no framework (the same database); and two
// shop processes on one database behind a round-robin balancer. Also counts the SQL statements one
// callback costs the shop.
import type pg from 'pg';
import { poolOf } from '../../src/db/prisma';
import { createLogger } from '../../src/logger';
import { createExchangeAudit } from '../../src/payments/exchange-audit';
import { receivePayToken, type PayTokenIntakeDependencies } from '../../src/payments/pay-token-intake';
import { NOTIFY_PATH } from '../../src/routes/payment-callbacks';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { SinopacClient } from '../../src/sinopac/client';
import { COPIES, postCallbacks, type CallbackLoad } from './callback-load';
import type { ChildServer } from './child-server';
import type { CountedDatabase } from './counted-database';
import { benchCpuMs, machineBusyMs, type CpuMeters } from './cpu';
import { createPendingPayments, type PendingPayment } from './pending-payments';
import type { Check, Figure, Measurement } from './report';
import { sized } from './sizes';
import { summarize } from './stats';
import type { TimedSandbox } from './timed-sandbox';

const PAYMENTS = sized(1_000, 100);
/** Paid one by one before the burst, to count statements per callback without concurrency. */
const PROBES = sized(20, 5);
/** Each burst stops taking new PayTokens after this long, to keep the whole bench near 5 minutes. */
const BURST_BUDGET_MS = 60_000;
/** PayTokens posted before each burst and left out of its figures, so that no server is measured cold. */
const WARMUP_TOKENS = sized(40, 10);
/** PayTokens of a burst delivered again, all their copies, for the cost of a repeated delivery alone. */
const REPEATED_TOKENS = sized(400, 40);
/**
 * The shop's burst and its same-stack baseline's (the bare endpoint on Express and Prisma) are run
 * in this many rounds, in turn: what the machine does meanwhile (its load drifts over a minute)
 * then weighs on both alike, and the ratio of their CPU per callback is the bench's to trust.
 */
const ROUNDS = sized(3, 1);


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
  /** payment_received mails owed for the order. */
  mails: number;
}

async function paymentStates(pool: pg.Pool, payments: PendingPayment[]): Promise<PaymentState[]> {
  const { rows } = await pool.query<PaymentState>(
    `SELECT p.status AS "paymentStatus", o.status AS "orderStatus",
            (SELECT count(*) FROM "PaymentEvent" e WHERE e."paymentId" = p.id AND e.applied AND e."toStatus" = 'paid')::int AS "paidEvents",
            (SELECT count(*) FROM "PayToken" t WHERE t.token = b.token)::int AS deliveries,
            (SELECT count(*) FROM "PayToken" t WHERE t.token = b.token AND t.outcome = 'applied')::int AS "appliedDeliveries",
            (SELECT count(*) FROM "MailOutbox" m WHERE m."orderId" = o.id AND m.kind = 'payment_received')::int AS mails
       FROM unnest($1::text[], $2::text[]) AS b(id, token)
       JOIN "Payment" p ON p.id = b.id JOIN "Order" o ON o.id = p."orderId"`,
    [payments.map((p) => p.paymentId), payments.map((p) => p.payToken)],
  );
  return rows;
}

/** What the database must hold after a burst: `stockBefore` is the stock just before it. */
async function verify(label: string, pool: pg.Pool, payments: PendingPayment[], load: CallbackLoad, stockBefore: Stock): Promise<Check[]> {
  const delivered = new Set(load.delivered);
  const paid = payments.filter((payment) => delivered.has(payment.payToken));
  const untouched = payments.filter((payment) => !delivered.has(payment.payToken));
  const states = await paymentStates(pool, paid);
  const count = (test: (state: PaymentState) => boolean) => states.filter(test).length;
  const stockAfter = await stock(pool);
  const wrongStock = [...stockBefore].filter(([id, value]) => stockAfter.get(id) !== value).map(([id]) => id);
  const stillPending = (await paymentStates(pool, untouched)).filter((s) => s.paymentStatus === 'pending' && s.deliveries === 0).length;

  const n = paid.length;
  const of = (test: (state: PaymentState) => boolean) => ({ passed: n > 0 && count(test) === n, matching: count(test) });
  const paidOnce = of((s) => s.paymentStatus === 'paid' && s.paidEvents === 1);
  const orders = of((s) => s.orderStatus === 'paid');
  const tokens = of((s) => s.deliveries === COPIES && s.appliedDeliveries === 1);
  const mails = of((s) => s.mails === 1);
  const checks: Check[] = [
    { name: `${label}: every callback acknowledged`, passed: load.sent > 0 && load.acknowledged === load.sent, detail: `${load.acknowledged} of ${load.sent} answered 200 {"Status":"S"}` },
    { name: `${label}: every notified payment paid exactly once`, passed: paidOnce.passed, detail: `${paidOnce.matching} of ${n} paid, each with exactly one applied PaymentEvent` },
    { name: `${label}: every notified order paid`, passed: orders.passed, detail: `${orders.matching} of ${n} orders paid` },
    { name: `${label}: every PayToken recorded ${COPIES} times and applied once`, passed: tokens.passed, detail: `${tokens.matching} of ${n} tokens` },
    { name: `${label}: one payment-received mail owed per paid order`, passed: mails.passed, detail: `${mails.matching} of ${n} orders` },
    { name: `${label}: stock untouched by payment`, passed: wrongStock.length === 0, detail: wrongStock.length === 0 ? `all ${stockBefore.size} products match` : `products ${wrongStock.join(', ')} differ` },
  ];
  if (untouched.length > 0) {
    checks.push({ name: `${label}: payments left out of the burst untouched`, passed: stillPending === untouched.length, detail: `${stillPending} of ${untouched.length} still pending with no delivery` });
  }
  return checks;
}

type Setup = Awaited<ReturnType<typeof createPendingPayments>>;

/** Pending payments in `database`, made through a client like the shop's, its audit rows included. */
async function pendingPayments(database: CountedDatabase, sandbox: TimedSandbox, publicBaseUrl: string, probes: number) {
  const logger = createLogger('silent');
  const audit = createExchangeAudit({ pool: poolOf(database.db), logger });
  const sinopac = new SinopacClient({
    apiUrl: sandbox.apiUrl,
    shopNo: DEMO_SHOP.shopNo,
    hashKeys: DEMO_SHOP.hashKeys,
    timeoutMs: 15_000,
    onExchange: audit.record,
  });
  const deps = { db: database.db, sinopac, logger, clock: () => new Date(), inFlight: new Map() };
  const settings = { publicBaseUrl, atmExpireDays: 3, cardExpMinutes: 30 };
  const setup: Setup = await createPendingPayments(
    { ...deps, settings, sandbox: sandbox.sandbox, statements: database.statements, flushAudit: audit.flush },
    probes,
    PAYMENTS,
  );
  await audit.flush();
  return { setup, deps, flush: audit.flush };
}

const sentMails = async (pool: pg.Pool) =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM "MailOutbox" WHERE "sentAt" IS NOT NULL')).rows[0]!.n;

/**
 * Marks the mails the shop has not sent yet as given up, so that sending them does not run into
 * the next burst (the shop sends them far more slowly than the callbacks arrive). Returns how many.
 * Rows a sender has claimed are left to it: it is sending them, and a row may not end both sent
 * and given up (MailOutbox_sent_or_gave_up_check).
 */
async function setOutboxAside(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE "MailOutbox" SET "gaveUpAt" = now() AT TIME ZONE 'UTC', "lastError" = 'set aside by the bench'
      WHERE "sentAt" IS NULL AND "gaveUpAt" IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" <= now() AT TIME ZONE 'UTC')`,
  );
  return rowCount ?? 0;
}

/** One burst and the CPU every process spent while it ran, its warm-up left out. */
interface Burst {
  load: CallbackLoad;
  /** The warm-up and the burst together, for the checks. */
  everything: CallbackLoad;
  serverCpuMs: number;
  databaseCpuMs: number;
  benchCpuMs: number;
  machineCpuMs: number;
  bankQueries: number;
}

async function burst(urls: string[], tokens: string[], sandbox: TimedSandbox, serverCpu: () => number, databaseCpu: () => number, budgetMs = BURST_BUDGET_MS): Promise<Burst> {
  const warmup = await postCallbacks(urls, DEMO_SHOP.shopNo, tokens.slice(0, WARMUP_TOKENS), budgetMs);
  const before = { bank: sandbox.requests(), server: serverCpu(), database: databaseCpu(), bench: benchCpuMs(), machine: machineBusyMs() };
  const load = await postCallbacks(urls, DEMO_SHOP.shopNo, tokens.slice(WARMUP_TOKENS), budgetMs);
  return {
    load,
    everything: {
      delivered: [...warmup.delivered, ...load.delivered],
      sent: warmup.sent + load.sent,
      acknowledged: warmup.acknowledged + load.acknowledged,
      latencies: [...warmup.latencies, ...load.latencies],
      elapsedMs: warmup.elapsedMs + load.elapsedMs,
    },
    serverCpuMs: serverCpu() - before.server,
    databaseCpuMs: databaseCpu() - before.database,
    benchCpuMs: benchCpuMs() - before.bench,
    machineCpuMs: machineBusyMs() - before.machine,
    // Each OrderPayQuery is two requests to the bank: Nonce, then Order.
    bankQueries: (sandbox.requests() - before.bank) / 2,
  };
}

/**
 * The burst's PayTokens once more, every copy: each delivery finds its token applied and ends with
 * the one statement that logs it, so what is measured is a server's own cost of a request. Checked:
 * every one acknowledged, and none applied again.
 */
async function repeatedDeliveries(label: string, url: string, pool: pg.Pool, payments: PendingPayment[], serverCpu: () => number) {
  const before = serverCpu();
  const load = await postCallbacks([url], DEMO_SHOP.shopNo, payments.map((p) => p.payToken), BURST_BUDGET_MS);
  const cpuMs = serverCpu() - before;
  const delivered = new Set(load.delivered);
  const states = await paymentStates(pool, payments.filter((p) => delivered.has(p.payToken)));
  const once = states.filter((s) => s.paidEvents === 1 && s.appliedDeliveries === 1 && s.deliveries === 2 * COPIES).length;
  const check: Check = {
    name: `${label}: repeated deliveries acknowledged and applied nothing again`,
    passed: load.sent > 0 && load.acknowledged === load.sent && once === states.length,
    detail: `${load.acknowledged} of ${load.sent} answered 200 {"Status":"S"}; ${once} of ${states.length} payments still paid once, their token applied once of ${2 * COPIES} deliveries`,
  };
  return { cpuPerCallback: cpuMs / load.sent, check };
}

/** Rounds of one burst taken together: their callbacks, their time and their CPU. */
function together(rounds: readonly Burst[]): Burst {
  const loads = (pick: (round: Burst) => CallbackLoad): CallbackLoad => ({
    delivered: rounds.flatMap((round) => pick(round).delivered),
    sent: rounds.reduce((sum, round) => sum + pick(round).sent, 0),
    acknowledged: rounds.reduce((sum, round) => sum + pick(round).acknowledged, 0),
    latencies: rounds.flatMap((round) => pick(round).latencies),
    elapsedMs: rounds.reduce((sum, round) => sum + pick(round).elapsedMs, 0),
  });
  const total = (pick: (round: Burst) => number) => rounds.reduce((sum, round) => sum + pick(round), 0);
  return {
    load: loads((round) => round.load),
    everything: loads((round) => round.everything),
    serverCpuMs: total((round) => round.serverCpuMs),
    databaseCpuMs: total((round) => round.databaseCpuMs),
    benchCpuMs: total((round) => round.benchCpuMs),
    machineCpuMs: total((round) => round.machineCpuMs),
    bankQueries: total((round) => round.bankQueries),
  };
}

/** `tokens` cut into `parts` runs of about equal length, in order. */
function split(tokens: string[], parts: number): string[][] {
  const size = Math.ceil(tokens.length / parts);
  return Array.from({ length: parts }, (_, i) => tokens.slice(i * size, (i + 1) * size));
}

const rate = (b: Burst) => (b.load.sent * 1000) / b.load.elapsedMs;
const cores = (b: Burst, cpuMs: number) => cpuMs / b.load.elapsedMs;

export interface WebhookBurstContext {
  shopUrl: string;
  /** The bare callback endpoint: a child process on `bareDatabase`. */
  bareEndpointUrl: string;
  /** The same endpoint as an Express route whose statements go through Prisma, on the same database: the shop's stack doing the same work. */
  bareExpressEndpointUrl: string;
  database: CountedDatabase;
  bareDatabase: CountedDatabase;
  sandbox: TimedSandbox;
  cpu: CpuMeters;
  /** Another shop process like the first, on the same database; started only for the two-process burst. */
  startSecondShop: () => Promise<ChildServer>;
  /** Called as soon as the one-process burst is over: the moment the shop's memory is read. */
  afterFirstBurst: () => void;
}

export async function measureWebhookBurst(context: WebhookBurstContext): Promise<Measurement> {
  const { database, bareDatabase, sandbox, cpu } = context;
  // Every set of payments first, so that the bursts run close together, on a machine as busy.
  const single = await pendingPayments(database, sandbox, context.shopUrl, PROBES);
  const perCallback = await countStatements(single.deps, database, single.flush, single.setup.probes.map((p) => p.payToken));
  const bare = await pendingPayments(bareDatabase, sandbox, context.bareEndpointUrl, 0);
  const bareExpress = await pendingPayments(bareDatabase, sandbox, context.bareExpressEndpointUrl, 0);
  const double = await pendingPayments(database, sandbox, context.shopUrl, 0);
  const tokens = (setup: Setup) => setup.payments.map((payment) => payment.payToken);
  const checks: Check[] = [];

  // One shop process, in rounds taken in turn with the bare endpoint on Express and Prisma (ROUNDS),
  // each round as many PayTokens as the shop's got through in its share of the time budget. The
  // shop sends the mails its payments owe while it runs; those still unsent at its end are set
  // aside, so the next bursts do not carry them (and none owed before it).
  await setOutboxAside(database.pool);
  let stockBefore = await stock(database.pool);
  const bareStock = await stock(bareDatabase.pool);
  const mailsBefore = await sentMails(database.pool);
  const shopRounds: Burst[] = [];
  const expressRounds: Burst[] = [];
  const expressTokens = tokens(bareExpress.setup);
  for (const [round, roundTokens] of split(tokens(single.setup), ROUNDS).entries()) {
    const shopRound = await burst([`${context.shopUrl}${NOTIFY_PATH}`], roundTokens, sandbox, cpu.shop, cpu.database, BURST_BUDGET_MS / ROUNDS);
    shopRounds.push(shopRound);
    if (round === ROUNDS - 1) context.afterFirstBurst();
    const expressRoundTokens = expressTokens.splice(0, shopRound.everything.delivered.length);
    expressRounds.push(await burst([`${context.bareExpressEndpointUrl}/notify`], expressRoundTokens, sandbox, cpu.bareExpressEndpoint, cpu.database, BURST_BUDGET_MS / ROUNDS));
  }
  const shop = together(shopRounds);
  const onExpress = together(expressRounds);
  const mailsInBurst = (await sentMails(database.pool)) - mailsBefore;
  checks.push(...(await verify('shop', database.pool, single.setup.payments, shop.everything, stockBefore)));
  checks.push(...(await verify('bare endpoint on Express and Prisma', bareDatabase.pool, bareExpress.setup.payments, onExpress.everything, bareStock)));
  const unsentAfterShop = await setOutboxAside(database.pool);

  // The bare endpoint, with as many PayTokens as the shop got through in its time budget.
  const bareTokens = tokens(bare.setup).slice(0, shop.everything.delivered.length);
  const baseline = await burst([`${context.bareEndpointUrl}/notify`], bareTokens, sandbox, cpu.bareEndpoint, cpu.database);
  checks.push(...(await verify('bare endpoint', bareDatabase.pool, bare.setup.payments, baseline.everything, bareStock)));

  // Two shop processes on the one database, the requests dealt out in turn.
  const second = await context.startSecondShop();
  stockBefore = await stock(database.pool);
  const both = () => cpu.shop() + second.cpuMs();
  const mailsBeforePair = await sentMails(database.pool);
  const pair = await burst([`${context.shopUrl}${NOTIFY_PATH}`, `${second.baseUrl}${NOTIFY_PATH}`], tokens(double.setup), sandbox, both, cpu.database);
  const mailsInPair = (await sentMails(database.pool)) - mailsBeforePair;
  checks.push(...(await verify('two shop processes', database.pool, double.setup.payments, pair.everything, stockBefore)));
  const unsentAfterPair = await setOutboxAside(database.pool);
  await second.stop();

  // Each server's repeated deliveries: last, so that the rows they add weigh on none of the bursts above.
  const repeatedOf = (payments: PendingPayment[], load: CallbackLoad) => {
    const delivered = new Set(load.delivered);
    return payments.filter((p) => delivered.has(p.payToken)).slice(0, REPEATED_TOKENS);
  };
  const shopRepeats = await repeatedDeliveries('shop', `${context.shopUrl}${NOTIFY_PATH}`, database.pool, repeatedOf(single.setup.payments, shop.load), cpu.shop);
  const bareRepeats = await repeatedDeliveries('bare endpoint', `${context.bareEndpointUrl}/notify`, bareDatabase.pool, repeatedOf(bare.setup.payments, baseline.load), cpu.bareEndpoint);
  const expressRepeats = await repeatedDeliveries(
    'bare endpoint on Express and Prisma',
    `${context.bareExpressEndpointUrl}/notify`,
    bareDatabase.pool,
    repeatedOf(bareExpress.setup.payments, onExpress.load),
    cpu.bareExpressEndpoint,
  );
  checks.push(shopRepeats.check, bareRepeats.check, expressRepeats.check);

  const bareEndpoint = (value: number) => ({ label: 'bare endpoint', value });
  const oneProcess = (value: number) => ({ label: '1 shop process', value });
  const section = 'webhook burst';
  const scaled = 'webhook burst, 2 shop processes';
  const figures: Figure[] = [
    { section, measure: `callbacks measured (of ${(PAYMENTS - ROUNDS * WARMUP_TOKENS) * COPIES} after ${ROUNDS * WARMUP_TOKENS * COPIES} to warm up; ${BURST_BUDGET_MS / 1000} s budget)`, value: shop.load.sent, unit: 'count', baseline: bareEndpoint(baseline.load.sent) },
    { section, measure: 'callback throughput', value: rate(shop), unit: 'req/s', baseline: bareEndpoint(rate(baseline)), target: { maxRatio: 2, text: '≥ 50 % of the bare endpoint (≤ 2.00×)' } },
    { section, measure: 'callback p50 latency', value: summarize(shop.load.latencies).p50, unit: 'ms', baseline: bareEndpoint(summarize(baseline.load.latencies).p50) },
    { section, measure: 'callback p99 latency', value: summarize(shop.load.latencies).p99, unit: 'ms', baseline: bareEndpoint(summarize(baseline.load.latencies).p99) },
    { section, measure: 'shop process CPU per callback', value: shop.serverCpuMs / shop.load.sent, unit: 'CPU ms', baseline: bareEndpoint(baseline.serverCpuMs / baseline.load.sent), target: { maxRatio: 2, text: '≤ 2.00×' } },
    { section, measure: 'shop process CPU per repeated callback (token already applied)', value: shopRepeats.cpuPerCallback, unit: 'CPU ms', baseline: bareEndpoint(bareRepeats.cpuPerCallback) },
    { section, measure: 'bare endpoint on Express and Prisma: CPU per callback', value: onExpress.serverCpuMs / onExpress.load.sent, unit: 'CPU ms', baseline: bareEndpoint(baseline.serverCpuMs / baseline.load.sent) },
    { section, measure: 'bare endpoint on Express and Prisma: CPU per repeated callback', value: expressRepeats.cpuPerCallback, unit: 'CPU ms', baseline: bareEndpoint(bareRepeats.cpuPerCallback) },
    // Issue 26's re-based target: against the same work on the stack the shop keeps (Express and Prisma).
    {
      section,
      measure: 'shop process CPU per callback',
      value: shop.serverCpuMs / shop.load.sent,
      unit: 'CPU ms',
      baseline: { label: 'bare endpoint on Express and Prisma', value: onExpress.serverCpuMs / onExpress.load.sent },
      target: { maxRatio: 1.5, text: '≤ 1.50× (issue 26: re-based on Express and Prisma)' },
    },
    { section, measure: 'PostgreSQL CPU per callback', value: shop.databaseCpuMs / shop.load.sent, unit: 'CPU ms', baseline: bareEndpoint(baseline.databaseCpuMs / baseline.load.sent) },
    { section, measure: 'OrderPayQuery calls per PayToken', value: shop.bankQueries / shop.load.delivered.length, unit: 'count', baseline: bareEndpoint(baseline.bankQueries / baseline.load.delivered.length) },
    { section, measure: 'whole machine CPU in use during the burst', value: cores(shop, shop.machineCpuMs), unit: 'cores', baseline: bareEndpoint(cores(baseline, baseline.machineCpuMs)) },
    { section, measure: 'payment-received mails the shop sent during the burst (warm-up included)', value: mailsInBurst, unit: 'count' },
    { section: scaled, measure: 'callback throughput', value: rate(pair), unit: 'req/s', baseline: oneProcess(rate(shop)) },
    { section: scaled, measure: 'callback p99 latency', value: summarize(pair.load.latencies).p99, unit: 'ms', baseline: oneProcess(summarize(shop.load.latencies).p99) },
    { section: scaled, measure: 'shop CPU per callback (both processes)', value: pair.serverCpuMs / pair.load.sent, unit: 'CPU ms', baseline: oneProcess(shop.serverCpuMs / shop.load.sent) },
    { section: scaled, measure: 'PostgreSQL CPU per callback', value: pair.databaseCpuMs / pair.load.sent, unit: 'CPU ms', baseline: oneProcess(shop.databaseCpuMs / shop.load.sent) },
    { section: scaled, measure: 'payment-received mails the shop sent during the burst (warm-up included)', value: mailsInPair, unit: 'count', baseline: oneProcess(mailsInBurst) },
    { section: scaled, measure: 'OrderPayQuery calls per PayToken', value: pair.bankQueries / pair.load.delivered.length, unit: 'count', baseline: oneProcess(shop.bankQueries / shop.load.delivered.length) },
    { section: scaled, measure: 'CPU in use: shop processes', value: cores(pair, pair.serverCpuMs), unit: 'cores', baseline: oneProcess(cores(shop, shop.serverCpuMs)) },
    { section: scaled, measure: 'CPU in use: PostgreSQL', value: cores(pair, pair.databaseCpuMs), unit: 'cores', baseline: oneProcess(cores(shop, shop.databaseCpuMs)) },
    { section: scaled, measure: 'CPU in use: bench (load, sandbox, mail catcher)', value: cores(pair, pair.benchCpuMs), unit: 'cores', baseline: oneProcess(cores(shop, shop.benchCpuMs)) },
    { section: scaled, measure: 'CPU in use: whole machine', value: cores(pair, pair.machineCpuMs), unit: 'cores', baseline: oneProcess(cores(shop, shop.machineCpuMs)) },
    { section: 'database', measure: 'SQL statements per payment attempt start', value: single.setup.statementsPerAttempt, unit: 'count' },
    { section: 'database', measure: 'SQL statements per first callback', value: perCallback.first, unit: 'count' },
    { section: 'database', measure: 'SQL statements per repeated callback', value: perCallback.repeat, unit: 'count' },
  ];
  const notes = [
    `the shop sent ${mailsInBurst} of the ${PAYMENTS} payment-received mails during the one-process burst and ${mailsInPair} during the two-process one; the bench set the ${unsentAfterShop} and ${unsentAfterPair} still unsent aside (marked given up) so that no burst carries the last one's mail`,
  ];
  return { figures, checks, notes };
}
