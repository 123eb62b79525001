// Cancelling an unpaid order, by the merchant or by the shopper who placed it: the order is closed,
// the stock it still holds comes back, and the shopper is told by e-mail. The bank offers no way to
// end a pending ATM account or card link (its maintenance call only cancels an authorisation already
// given), so an attempt still open stays open at the bank: money that arrives on it later follows
// docs/payments.md's rule for money on a closed order (the attempt is paid, the order stays
// cancelled, and the back office lists it for a refund by hand). A paid order is not cancelled
// here: cancelling it is refunding it in full, through the refund path (src/admin/refunds.ts).
import type { Database } from '../db/prisma';
import { lockOrder, MONEY_TRANSACTION } from '../db/row-locks';
import type { OrderStatus } from '../generated/prisma/client';
import { recordMerchantAction } from '../admin/trail';
import { cancellationOf, type Cancellation } from '../fulfilment/fulfilment-states';
import { enqueueMail } from '../mail/outbox';
import { releaseStock } from './stock-reservation';
import { changeOrderStatus } from '../payments/payment-states';

/** Who cancels: a back-office user (recorded in the trail) or the order's own shopper. */
export type Canceller = { merchant: string; address?: string } | { shopper: true };

export type CancelResult =
  | { kind: 'cancelled'; orderId: string; number: string }
  | { kind: 'refused'; orderId: string; number: string; reason: Exclude<Cancellation, 'cancel'> }
  | { kind: 'not_found' };

export function cancelUnpaidOrder(db: Database, orderId: string, by: Canceller, now: Date): Promise<CancelResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockOrder(tx, orderId))) return { kind: 'not_found' } as const;
    const order = await tx.order.findUniqueOrThrow({
      where: { id: orderId },
      select: { id: true, number: true, status: true, fulfilmentStatus: true, lines: { select: { productId: true, quantity: true } } },
    });
    const cancellation = cancellationOf(order);
    if (cancellation !== 'cancel') return { kind: 'refused', orderId, number: order.number, reason: cancellation } as const;

    const from: OrderStatus = order.status;
    await changeOrderStatus(tx, { orderId, from, to: 'cancelled', data: { cancelledAt: now } });
    // An expired order gave its stock back when it expired.
    if (from === 'awaiting_payment') await releaseStock(tx, order.lines);
    const actor = 'merchant' in by ? by.merchant : 'shopper';
    await tx.fulfilmentEvent.create({ data: { orderId, toStatus: 'cancelled', actor, createdAt: now } });
    await enqueueMail(tx, { orderId, kind: 'order_cancelled' });
    if ('merchant' in by) {
      await recordMerchantAction(tx, {
        actor,
        action: 'cancellation',
        subject: order.number,
        details: { from },
        ...(by.address && { address: by.address }),
      });
    }
    return { kind: 'cancelled', orderId, number: order.number } as const;
  }, MONEY_TRANSACTION);
}
