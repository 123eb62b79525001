// Invoices as the e-invoice engine (src/einvoice/) leaves them, written straight to the database for
// the tests of the pages that show them (the engine has its own tests of how they come to be).
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/prisma';
import type { InvoiceStatus, Order } from '../../src/generated/prisma/client';

export interface InvoiceFixture {
  status: InvoiceStatus;
  number?: string;
  issuedAt?: Date;
  randomNumber?: string;
  allowances?: Array<{ amountTwd: number; number: string | null; issuedAt: Date }>;
  voidedAt?: Date;
  /** The issuing step refused by the provider, with its message: on the attention list. */
  refused?: { code: string; message: string };
  createdAt?: Date;
}

export async function createInvoice(db: Database, order: Pick<Order, 'id' | 'totalTwd'>, fixture: InvoiceFixture) {
  const allowedTwd = (fixture.allowances ?? []).reduce((sum, allowance) => sum + allowance.amountTwd, 0);
  const invoice = await db.invoice.create({
    data: {
      orderId: order.id,
      reference: `T${randomBytes(8).toString('hex').toUpperCase()}`,
      provider: fixture.number ? 'ecpay' : null,
      status: fixture.status,
      number: fixture.number ?? null,
      issuedAt: fixture.issuedAt ?? null,
      randomNumber: fixture.randomNumber ?? null,
      totalTwd: order.totalTwd,
      allowedTwd,
      voidedAt: fixture.voidedAt ?? null,
      ...(fixture.createdAt && { createdAt: fixture.createdAt }),
      steps: { create: [{ kind: 'issue', status: fixture.refused ? 'refused' : fixture.number ? 'done' : 'pending', attempts: 1, lastError: fixture.refused?.message ?? null }] },
      events: {
        create: [
          { action: 'issue', outcome: 'queued' },
          fixture.refused
            ? { action: 'issue', outcome: 'refused', code: fixture.refused.code, message: fixture.refused.message }
            : { action: 'issue', outcome: fixture.number ? 'done' : 'unanswered' },
        ],
      },
    },
    include: { steps: true },
  });
  for (const allowance of fixture.allowances ?? []) {
    const step = await db.invoiceStep.create({ data: { invoiceId: invoice.id, kind: 'credit', amountTwd: allowance.amountTwd, status: 'done', attempts: 1 } });
    await db.invoiceAllowance.create({ data: { invoiceId: invoice.id, stepId: step.id, ...allowance } });
    await db.invoiceEvent.create({ data: { invoiceId: invoice.id, action: 'allowance', outcome: 'done' } });
  }
  return invoice;
}
