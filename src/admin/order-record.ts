// Everything the shop knows about one order, for the back office's order page: its lines, every
// payment attempt with every PayToken received, every state change (applied or refused), every
// refund asked for, and every exchange with the bank (already stripped of secrets when written),
// each under the attempt it was about.
import { z } from 'zod';
import type { Database } from '../db/prisma';
import type { GatewayExchange, Prisma } from '../generated/prisma/client';
import { withoutSecrets } from '../payments/exchange-audit';

const oldestFirst = { orderBy: { id: 'asc' } } as const;

const orderRecordInclude = {
  lines: oldestFirst,
  payments: {
    orderBy: { createdAt: 'asc' },
    include: {
      payTokens: oldestFirst,
      events: oldestFirst,
      refunds: { orderBy: { createdAt: 'asc' } },
    },
  },
} as const satisfies Prisma.OrderInclude;

type StoredOrder = Prisma.OrderGetPayload<{ include: typeof orderRecordInclude }>;
export type AttemptRecord = StoredOrder['payments'][number] & { exchanges: GatewayExchange[] };
export type OrderRecord = Omit<StoredOrder, 'payments'> & { payments: AttemptRecord[] };

const orderId = z.uuid();

export async function findOrderRecord(db: Database, id: string): Promise<OrderRecord | null> {
  if (!orderId.safeParse(id).success) return null;
  const order = await db.order.findUnique({ where: { id }, include: orderRecordInclude });
  if (!order) return null;
  // By OrderNo as well as by attempt: the audit row names the OrderNo even when it was written
  // before (or without) the attempt being found.
  const exchanges = await db.gatewayExchange.findMany({
    where: {
      OR: [
        { paymentId: { in: order.payments.map((payment) => payment.id) } },
        { orderNo: { in: order.payments.map((payment) => payment.orderNo) } },
      ],
    },
    orderBy: { id: 'asc' },
  });
  return {
    ...order,
    payments: order.payments.map((payment) => ({
      ...payment,
      exchanges: exchanges
        .filter((exchange) => exchange.paymentId === payment.id || exchange.orderNo === payment.orderNo)
        // Rows written before card digits were masked are masked on the way out.
        .map((exchange) => ({ ...exchange, request: withoutSecrets(exchange.request), response: withoutSecrets(exchange.response) }) as GatewayExchange),
    })),
  };
}
