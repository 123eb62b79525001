// GatewayExchange rows from the SinopacClient's onExchange reports. The client calls back
// synchronously and lets its callback's errors propagate into the payment flow, so the row is
// written in the background and a failure to write it is logged, never thrown.
import type { Logger } from 'pino';
import type pg from 'pg';
import type { SinopacExchange } from '../sinopac/client';
import { insertExchange } from './payment-sql';

export interface ExchangeAudit {
  /** Pass as SinopacClientOptions.onExchange. */
  record: (exchange: SinopacExchange) => void;
  /** Resolves once every row recorded so far is written (or failed and was logged): for shutdown and tests. */
  flush: () => Promise<void>;
}

// The client's reports hold no secrets; this is a second line, should a message ever carry one.
const SECRET_NAME = /nonce|^sign(ature)?$|hash|key(id)?$|cctoken|password|secret/i;

// Card digits the bank's OrderQuery answer carries once a payment is captured: kept as their shape only.
const CARD_DIGITS = new Set(['LeftCCNo', 'RightCCNo', 'CCExpDate']);

/** A message as the audit keeps it: no secrets, and card digits masked. Also for rows written before masking. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !SECRET_NAME.test(name))
      .map(([name, member]) => [name, CARD_DIGITS.has(name) && typeof member === 'string' ? member.replace(/\d/g, '*') : withoutSecrets(member)]),
  );
}

/** `pool`: the pg pool beneath the shop's Database (poolOf). */
export function createExchangeAudit(deps: { pool: Pick<pg.Pool, 'query'>; logger: Logger }): ExchangeAudit {
  const { pool, logger } = deps;
  const inFlight = new Set<Promise<void>>();

  // One row for every bank call, on the pg pool beneath Prisma (payment-sql.ts says why).
  async function write(exchange: SinopacExchange): Promise<void> {
    await insertExchange(pool, {
      service: exchange.service,
      orderNo: exchange.orderNo ?? null,
      request: JSON.stringify(withoutSecrets(exchange.request)),
      response: exchange.response === undefined ? null : JSON.stringify(withoutSecrets(exchange.response)),
      durationMs: exchange.durationMs,
      outcome: exchange.outcome,
      errorCode: exchange.errorCode ?? null,
    });
  }

  return {
    record(exchange) {
      const writing = write(exchange)
        .catch((error: unknown) => {
          logger.error({ err: error, service: exchange.service, orderNo: exchange.orderNo }, 'could not write the gateway audit row');
        })
        .finally(() => inFlight.delete(writing));
      inFlight.add(writing);
    },
    async flush() {
      await Promise.all([...inFlight]);
    },
  };
}
