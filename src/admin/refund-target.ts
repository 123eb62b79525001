// The attempt a refund or cancel page is about, with its order and the refunds asked for so far.
import type { Database } from '../db/prisma';
import type { Prisma } from '../generated/prisma/client';

const include = { order: true, refunds: { orderBy: { createdAt: 'asc' } } } as const satisfies Prisma.PaymentInclude;

export type RefundTarget = Prisma.PaymentGetPayload<{ include: typeof include }>;

export function findRefundTarget(db: Database, paymentId: string): Promise<RefundTarget | null> {
  return db.payment.findUnique({ where: { id: paymentId }, include });
}
