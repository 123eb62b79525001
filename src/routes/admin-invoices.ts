// The back office's e-invoice actions. Retrying a step the provider refused (or has long left
// unanswered): the step is due again and the einvoice job runs it (src/einvoice/retry.ts); the
// merchant lands back on the order with a notice. CSRF, the sign-in and zod as every back-office form.
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { setNotice } from '../admin/notices';
import { recordMerchantAction } from '../admin/trail';
import { retryInvoiceStep } from '../einvoice/retry';
import { saveSession } from '../web/session';
import { NotFoundError } from '../web/errors';
import { readInput } from './form-input';

const stepParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

export function adminInvoiceRoutes(deps: { db: Database; clock: () => Date }): Router {
  const router = Router();

  router.post('/invoices/steps/:id/retry', async (req, res) => {
    const { id } = readInput(stepParams, req.params);
    const actor = res.locals.admin.username as string;
    const result = await retryInvoiceStep(deps.db, id, actor, deps.clock());
    if (result.kind === 'not_found') throw new NotFoundError(`no e-invoice step ${id}`);
    req.log.info({ invoiceStepId: id, result: result.kind }, 'e-invoice step retry');
    await recordMerchantAction(deps.db, {
      actor,
      action: 'invoice_retry',
      subject: result.orderNumber,
      details: { stepId: id, result: result.kind },
      ...(req.ip && { address: req.ip }),
    });
    setNotice(req.session, result.kind === 'queued'
      ? { tone: 'success', messageKey: 'admin.invoiceRetry.queued' }
      : { tone: 'warning', messageKey: 'admin.invoiceRetry.notRetryable' });
    await saveSession(req);
    res.redirect(303, `/admin/orders/${result.orderId}`);
  });

  return router;
}
