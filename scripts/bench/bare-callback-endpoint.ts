// The baseline for the callback burst: a BackendURL that does the shop's work with no framework.
// Plain node:http, one pg pool, the bank's two calls (Nonce, then OrderPayQuery) sealed and opened
// with src/sinopac/crypto.ts, and the rows the shop writes (pay-token-intake.ts, settle.ts, the
// exchange audit and the mail outbox) in the fewest statements: the delivery logged first, then one
// transaction that locks the attempt, checks the bank's answer against it and writes the rest in a
// single statement. Copies of a token in flight wait for the first, as in the shop. No validation
// library, logging, rate limit or ORM. Run as a child process by the bench (PORT, DATABASE_URL,
// SINOPAC_API_URL, SINOPAC_SHOP_NO, SINOPAC_HASH_*). With FRAMEWORK=express the same handler is an
// Express route reading its body with express.text, as the shop's is, and its statements go through
// a Prisma client on the pg adapter, as the shop's do (src/db/prisma.ts): the same stack as the
// shop, doing the same work in the fewest statements (issue 14's re-based baseline).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import pg from 'pg';
import { databaseOnPool, type Database } from '../../src/db/prisma';
import { isUniqueViolation } from '../../src/db/row-locks';
import type { PaymentStatus } from '../../src/generated/prisma/client';
import { canTransition } from '../../src/payments/payment-states';
import { httpTransport } from '../../src/sinopac/client';
import { decryptMessage, encryptMessage, hashId, ivFromNonce, sign } from '../../src/sinopac/crypto';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const apiUrl = env('SINOPAC_API_URL');
const shopNo = env('SINOPAC_SHOP_NO');
const id = hashId({ A1: env('SINOPAC_HASH_A1'), A2: env('SINOPAC_HASH_A2'), B1: env('SINOPAC_HASH_B1'), B2: env('SINOPAC_HASH_B2') });
// The shop's pool size (src/db/prisma.ts).
const pgPool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
// An idle connection the server ends is dropped and replaced by the next query.
pgPool.on('error', (error) => console.error(`idle database connection ended: ${error.message}`));
const onExpress = process.env.FRAMEWORK === 'express';

/** The statements' way to the database: pg itself, or (on Express) a Prisma client over the same pool. */
interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
}
interface Connection extends Sql {
  /** `work` in one transaction, rolled back if it throws. */
  transaction<R>(work: (tx: Sql) => Promise<R>): Promise<R>;
}

function pgConnection(pool: pg.Pool): Connection {
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await pool.query(text, params)).rows as T[],
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({ query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[] });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

function prismaConnection(db: Database): Connection {
  return {
    query: <T>(text: string, params: unknown[] = []) => db.$queryRawUnsafe<T[]>(text, ...params),
    transaction: (work) => db.$transaction((tx) => work({ query: <T>(text: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...params) }), { maxWait: 10_000, timeout: 15_000 }),
  };
}

const pool: Connection = onExpress ? prismaConnection(databaseOnPool(pgPool, { errorFormat: 'minimal' })) : pgConnection(pgPool);

const BODY_LIMIT = 2048;
const TOKEN = /^[\x21-\x7e]{1,100}$/;
const PAYMENT_AP_TYPES = new Set(['PayOut', 'CaptureOut']);

interface PayResult {
  APType: string;
  TSNo: string;
  OrderNo: string;
  ShopNo: string;
  PayType: string;
  Amount: string | number;
  Status: string;
  Description?: string;
  PayDate?: string;
  RightCCNo?: string;
}

// The shop's own transport (node:http, kept-alive connections): the same two calls, made the same way.
async function post(endpoint: 'Nonce' | 'Order', body: unknown): Promise<Record<string, string>> {
  const res = await httpTransport(`${apiUrl}/${endpoint}`, {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (res.status !== 200) throw new Error(`${endpoint} answered HTTP ${res.status}`);
  return JSON.parse(res.body) as Record<string, string>;
}

/** OrderPayQuery (docs/sinopac-protocol.md §4.4): the answer decrypted and its Sign verified. */
async function orderPayQuery(payToken: string): Promise<{ request: object; answer: Record<string, unknown>; durationMs: number }> {
  const started = performance.now();
  const { Nonce: nonce } = await post('Nonce', { ShopNo: shopNo });
  if (!nonce) throw new Error('no Nonce');
  const request = { ShopNo: shopNo, PayToken: payToken };
  const envelope = await post('Order', {
    Version: '1.0.0',
    ShopNo: shopNo,
    APIService: 'OrderPayQuery',
    Nonce: nonce,
    Sign: sign(request, nonce, id),
    Message: encryptMessage(JSON.stringify(request), id, ivFromNonce(nonce)),
  });
  if (envelope.ShopNo !== shopNo || envelope.APIService !== 'OrderPayQuery') throw new Error('envelope for another shop or service');
  const answer = JSON.parse(decryptMessage(envelope.Message!, id, ivFromNonce(envelope.Nonce!))) as Record<string, unknown>;
  if (sign(answer, envelope.Nonce!, id) !== envelope.Sign?.toUpperCase()) throw new Error('Sign does not match');
  if (answer.Status !== 'S') throw new Error(`OrderPayQuery refused: ${String(answer.Description)}`);
  return { request, answer, durationMs: Math.round(performance.now() - started) };
}

/** "yyyyMMddHHmm" in Taipei as a UTC wall time, as Prisma stores timestamps. */
function payDateOf(text: string | undefined): string | null {
  const parts = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text ?? '');
  if (!parts) return null;
  const [year, month, day, hour, minute] = parts.slice(1).map(Number) as [number, number, number, number, number];
  return new Date(Date.UTC(year, month - 1, day, hour - 8, minute)).toISOString().replace('T', ' ').replace('Z', '');
}

type Outcome = 'applied' | 'already_applied' | 'refused' | 'mismatch' | 'unsupported' | 'unknown';
interface Settled {
  outcome: Outcome;
  paymentId: string | null;
}

const setOutcome = (rowId: number, settled: Settled) =>
  pool.query('UPDATE "PayToken" SET outcome = $2, "paymentId" = $3 WHERE id = $1 RETURNING id', [rowId, settled.outcome, settled.paymentId]);

// Every row the shop's settle writes for a paid or failed attempt, in one statement: the attempt,
// its PaymentEvent, the order (paid only, from awaiting_payment), the payment_received mail and its
// wake-up, the exchange audit row and this delivery marked applied.
const APPLY = `
  WITH p AS (
    UPDATE "Payment"
       SET status = $2::"PaymentStatus", "payDate" = $3::timestamp, "cardLast4" = $4, "tsNo" = COALESCE("tsNo", $5),
           "failureCode" = $6, "failureReason" = $7, "updatedAt" = now() AT TIME ZONE 'UTC'
     WHERE id = $1 AND status = $8::"PaymentStatus"
     RETURNING id, "orderId"),
  e AS (
    INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", applied, reason, "payToken")
    SELECT id, $8::"PaymentStatus", $2::"PaymentStatus", true, $15, $9 FROM p),
  o AS (
    UPDATE "Order" SET status = 'paid', "paidAt" = COALESCE($3::timestamp, now() AT TIME ZONE 'UTC'), "updatedAt" = now() AT TIME ZONE 'UTC'
     WHERE $16 AND id = (SELECT "orderId" FROM p) AND status = 'awaiting_payment'),
  m AS (
    INSERT INTO "MailOutbox" (id, "orderId", kind, "paymentId")
    SELECT gen_random_uuid(), "orderId", 'payment_received', id FROM p WHERE $16
    ON CONFLICT DO NOTHING RETURNING 1),
  g AS (
    INSERT INTO "GatewayExchange" (service, "orderNo", "paymentId", request, response, "durationMs", outcome, "createdAt")
    SELECT 'OrderPayQuery', $10, id, $11::jsonb, $12::jsonb, $13, 'ok', now() AT TIME ZONE 'UTC' FROM p),
  t AS (
    UPDATE "PayToken" SET outcome = 'applied', "paymentId" = $1 WHERE id = $14 AND EXISTS (SELECT 1 FROM p))
  SELECT (SELECT count(*) FROM p)::int AS changed, (SELECT count(*) FROM (SELECT pg_notify('mail_outbox', '') FROM m) n)::int AS mails`;

/** Locks the attempt the answer names, checks the answer against it, and applies it. */
async function settle(payToken: string, rowId: number, exchange: Awaited<ReturnType<typeof orderPayQuery>>): Promise<Settled> {
  const result = exchange.answer.TSResultContent as PayResult;
  try {
    return await pool.transaction(async (client) => {
      const [payment] = await client.query<{ id: string; status: PaymentStatus; amount: number; payType: string }>(
        'SELECT id, status::text AS status, amount, "payType"::text AS "payType" FROM "Payment" WHERE "orderNo" = $1 FOR UPDATE',
        [result.OrderNo],
      );
      if (!payment) return { outcome: 'unknown', paymentId: null };
      if (result.ShopNo !== shopNo || Number(result.Amount) !== payment.amount || result.PayType !== (payment.payType === 'card' ? 'C' : 'A') || !PAYMENT_AP_TYPES.has(result.APType)) {
        const to = result.Status === 'S' ? 'paid' : 'failed';
        await client.query(
          `INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", applied, reason, "payToken") VALUES ($1, $2::"PaymentStatus", $3::"PaymentStatus", false, 'mismatch (backend)', $4) RETURNING id`,
          [payment.id, payment.status, to, payToken],
        );
        return { outcome: PAYMENT_AP_TYPES.has(result.APType) ? 'mismatch' : 'unsupported', paymentId: payment.id };
      }
      const to: PaymentStatus = result.Status === 'S' ? 'paid' : 'failed';
      if (payment.status === to) return { outcome: 'already_applied', paymentId: payment.id };
      if (!canTransition(payment.status, to)) {
        await client.query(
          `INSERT INTO "PaymentEvent" ("paymentId", "fromStatus", "toStatus", applied, reason, "payToken") VALUES ($1, $2::"PaymentStatus", $3::"PaymentStatus", false, 'refused (backend)', $4) RETURNING id`,
          [payment.id, payment.status, to, payToken],
        );
        return { outcome: 'refused', paymentId: payment.id };
      }
      const paid = to === 'paid';
      const code = paid ? null : (/^\s*([A-Z]\d{4})/.exec(result.Description ?? '')?.[1] ?? null);
      const [applied] = await client.query<{ changed: number }>(APPLY, [
        payment.id, to, paid ? payDateOf(result.PayDate) : null, paid ? (result.RightCCNo || null) : null, paid ? result.TSNo : null,
        code, paid ? null : (result.Description ?? null), payment.status, payToken,
        result.OrderNo, JSON.stringify(exchange.request), JSON.stringify(exchange.answer), exchange.durationMs, rowId,
        `${to} (backend)`, paid,
      ]);
      if (applied!.changed !== 1) throw new Error(`payment ${payment.id} moved while locked`);
      return { outcome: 'applied', paymentId: payment.id };
    });
  } catch (error) {
    // A unique index found the change already made (another process): nothing is lost.
    if ((error as { code?: string }).code === '23505' || isUniqueViolation(error)) return { outcome: 'already_applied', paymentId: null };
    throw error;
  }
}

const inFlight = new Map<string, Promise<Settled>>();

/** The HTTP status to answer: 200 once the token is handled for good, 503 when the bank could not say. */
async function receive(payToken: string, deliveryShopNo: string, rawBody: string): Promise<number> {
  // Logged before anything else, and in the same statement: whether an earlier delivery applied it.
  const [row] = await pool.query<{ id: number; appliedTo: string | null }>(
    `INSERT INTO "PayToken" (token, source, "shopNo", "rawBody") VALUES ($1, 'backend', $2, $3)
     RETURNING id, (SELECT "paymentId" FROM "PayToken" WHERE token = $1 AND outcome = 'applied' LIMIT 1) AS "appliedTo"`,
    [payToken, deliveryShopNo, rawBody],
  );
  const rowId = row!.id;
  if (deliveryShopNo !== shopNo) {
    await pool.query(`UPDATE "PayToken" SET outcome = 'foreign_shop' WHERE id = $1 RETURNING id`, [rowId]);
    return 400;
  }
  if (row!.appliedTo) {
    await setOutcome(rowId, { outcome: 'already_applied', paymentId: row!.appliedTo });
    return 200;
  }
  const first = inFlight.get(payToken);
  if (first) {
    const earlier = await first.catch(() => undefined);
    if (earlier?.outcome === 'applied' || earlier?.outcome === 'already_applied') {
      await setOutcome(rowId, { outcome: 'already_applied', paymentId: earlier.paymentId });
      return 200;
    }
  }
  const handling = (async () => {
    let exchange: Awaited<ReturnType<typeof orderPayQuery>>;
    try {
      exchange = await orderPayQuery(payToken);
    } catch (error) {
      await pool.query(`UPDATE "PayToken" SET outcome = 'unavailable:error' WHERE id = $1 RETURNING id`, [rowId]);
      throw error;
    }
    const settled = await settle(payToken, rowId, exchange);
    if (settled.outcome !== 'applied') await setOutcome(rowId, settled);
    return settled;
  })();
  if (!first) inFlight.set(payToken, handling);
  try {
    await handling;
    return 200;
  } catch (error) {
    console.error('callback not settled:', error);
    return 503;
  } finally {
    if (inFlight.get(payToken) === handling) inFlight.delete(payToken);
  }
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

async function notify(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > BODY_LIMIT) return answer(res, 413, '{"Status":"F"}');
  }
  await handle(body, res);
}

async function handle(body: string, res: ServerResponse): Promise<void> {
  let parsed: { ShopNo?: unknown; PayToken?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return answer(res, 400, '{"Status":"F"}');
  }
  const { ShopNo, PayToken } = parsed ?? {};
  if (typeof ShopNo !== 'string' || ShopNo.length === 0 || ShopNo.length > 20 || typeof PayToken !== 'string' || !TOKEN.test(PayToken)) {
    return answer(res, 400, '{"Status":"F"}');
  }
  let status: number;
  try {
    status = await receive(PayToken, ShopNo, body);
  } catch (error) {
    // In the child's log file, for the bench's reader: the check that every callback was acknowledged then fails.
    console.error('callback failed:', error);
    status = 500;
  }
  answer(res, status, status === 200 ? '{"Status":"S"}' : '{"Status":"F"}');
}

const port = Number(process.env.PORT);
if (onExpress) {
  const app = express();
  app.get('/healthz', (_req, res) => answer(res, 200, '{"status":"ok"}'));
  app.post('/notify', express.text({ type: 'application/json', limit: BODY_LIMIT }), (req, res) => void handle(typeof req.body === 'string' ? req.body : '', res));
  app.listen(port, '127.0.0.1');
} else {
  createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') return answer(res, 200, '{"status":"ok"}');
    if (req.method === 'POST' && req.url === '/notify') return void notify(req, res);
    answer(res, 404, '{}');
  }).listen(port, '127.0.0.1');
}
