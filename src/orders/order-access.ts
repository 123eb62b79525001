// Opening an order in another browser: once its shopper has proved the order is theirs (the look-up
// by number and contact, or the signed link of its e-mails), that browser's shopperId is granted the
// order (OrderAccess), beside the browser that placed it. Only that order: the placing browser's
// other orders stay its own.
import type { Database } from '../db/prisma';

export type AccessVia = 'lookup' | 'link';

export async function grantOrderAccess(db: Database, input: { orderId: string; shopperId: string; via: AccessVia }): Promise<void> {
  await db.orderAccess.createMany({ data: [input], skipDuplicates: true });
}
