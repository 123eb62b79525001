// GatewayExchange rows from the SinopacClient's onExchange reports. The client calls back
// synchronously and lets its callback's errors propagate into the payment flow, so the row is
// written in the background and a failure to write it is logged, never thrown.
import type { Logger } from 'pino';
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';
import type { SinopacExchange } from '../sinopac/client';

export interface ExchangeAudit {
  /** Pass as SinopacClientOptions.onExchange. */
  record: (exchange: SinopacExchange) => void;
  /** Resolves once every row recorded so far is written (or failed and was logged): for shutdown and tests. */
  flush: () => Promise<void>;
}

// The client's reports hold no secrets; this is a second line, should a message ever carry one.
const SECRET_NAME = /nonce|^sign(ature)?$|hash|key(id)?$|cctoken|password|secret/i;

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([name]) => !SECRET_NAME.test(name))
      .map(([name, member]) => [name, withoutSecrets(member)]),
  );
}

export function createExchangeAudit(deps: { db: Database; logger: Logger }): ExchangeAudit {
  const { db, logger } = deps;
  const inFlight = new Set<Promise<void>>();

  async function write(exchange: SinopacExchange): Promise<void> {
    const payment = exchange.orderNo
      ? await db.payment.findUnique({ where: { orderNo: exchange.orderNo }, select: { id: true } })
      : null;
    await db.gatewayExchange.create({
      data: {
        service: exchange.service,
        orderNo: exchange.orderNo ?? null,
        paymentId: payment?.id ?? null,
        request: withoutSecrets(exchange.request) as Prisma.InputJsonObject,
        ...(exchange.response !== undefined && { response: withoutSecrets(exchange.response) as Prisma.InputJsonObject }),
        durationMs: exchange.durationMs,
        outcome: exchange.outcome,
        errorCode: exchange.errorCode ?? null,
      },
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
