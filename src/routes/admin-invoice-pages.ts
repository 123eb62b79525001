// The back office's invoices: the list by status with keyset paging, and the accountant's CSV. The
// retry of a step the provider refused is the engine's route (admin-invoices.ts, POST /admin/invoices/steps/:id/retry).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import type { Database } from '../db/prisma';
import { INVOICE_LIST_FILTERS, invoiceCsvHeading, invoiceCsvRows, invoicePage, invoicesForExport } from '../admin/invoice-export';
import { DEFAULT_EINVOICE, type EinvoicePageSettings } from '../checkout/invoice-choice';
import { taipeiDate } from '../time/taipei';
import { readInput } from './form-input';

const listQuery = z.object({
  status: z.enum(INVOICE_LIST_FILTERS).optional().catch(undefined),
  // The engine's cursor (base64url); one it cannot read starts from the top.
  after: z.string().regex(/^[\w-]{1,200}$/).optional().catch(undefined),
});

export function adminInvoicePageRoutes(deps: { db: Database; clock: () => Date; settings: { einvoice?: EinvoicePageSettings } }): Router {
  const router = Router();
  const einvoice = deps.settings.einvoice ?? DEFAULT_EINVOICE;

  router.get('/invoices', async (req, res) => {
    const { status, after } = readInput(listQuery, req.query);
    const page = await invoicePage(deps.db, status, after);
    res.render('admin/invoices.njk', { ...page, status, after, filters: INVOICE_LIST_FILTERS, einvoice });
  });

  // Streamed a batch at a time, each written only once the merchant's connection has taken the last.
  router.get('/invoices.csv', async (req, res) => {
    const { status } = readInput(listQuery, req.query);
    res.type('text/csv; charset=utf-8').attachment(`invoices-${status ?? 'all'}-${taipeiDate(deps.clock())}.csv`);
    const locale = req.locale;
    const t = res.locals.t;
    async function* lines() {
      yield invoiceCsvHeading(t);
      for await (const batch of invoicesForExport(deps.db, status)) yield invoiceCsvRows(batch, locale);
    }
    // A merchant who closes the download ends it; that is no error.
    await pipeline(Readable.from(lines()), res).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    });
  });

  return router;
}
