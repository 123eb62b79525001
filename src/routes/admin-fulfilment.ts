// After the payment, in the back office: shipping an order (one, or many from the carrier's CSV),
// marking it delivered or returned, cancelling it, and printing its packing slip. Each action ends
// in a redirect to the order's page with a notice, or a page of its own (the CSV report, the slips).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { setNotice } from '../admin/notices';
import { findOrderRecord } from '../admin/orders';
import { refundActions } from '../admin/refunds';
import type { Database } from '../db/prisma';
import { CARRIERS } from '../fulfilment/carriers';
import { markDelivered, markReturned, shipOrder, type FulfilmentResult, type MerchantRequest } from '../fulfilment/fulfil-order';
import { cancellationOf } from '../fulfilment/fulfilment-states';
import { packingSlips, slipSelectionSchema } from '../fulfilment/packing-slips';
import { applyShipmentCsv, MAX_CSV_ROWS, UnreadableCsvError } from '../fulfilment/shipment-csv';
import { cancelUnpaidOrder } from '../orders/cancel-order';
import { BadRequestError, NotFoundError } from '../web/errors';
import { hasNoControlCharacters } from '../web/plain-text';
import { saveSession } from '../web/session';
import { readInput } from './form-input';

const UPLOAD_FIELD = 'csv';
export const SHIPMENT_UPLOAD_PATH = '/admin/shipments/upload';

/**
 * The carrier's CSV arrives as multipart/form-data, which only this parser reads: mounted on the
 * upload path before the CSRF check, so that the form's token is in the body when it is checked.
 * In memory and small: a day's parcels are a few kilobytes.
 */
export function shipmentCsvUpload(): RequestHandler {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 512 * 1024, files: 1, fields: 5, parts: 6 } }).single(UPLOAD_FIELD);
  return (req, res, next) => upload(req, res, (error: unknown) => next(error ? new BadRequestError(`upload refused: ${(error as Error).message}`) : undefined));
}

const TRACKING_NUMBER = /^[A-Za-z0-9-]{4,40}$/;

const shipFormSchema = z.object({
  carrier: z.string().max(20),
  carrierName: z.string().trim().max(60).optional(),
  trackingNumber: z.string().trim().max(100),
});

type ShipFormErrors = Partial<Record<'carrier' | 'carrierName' | 'trackingNumber', string>>;

function shipFormErrors(form: z.output<typeof shipFormSchema>): ShipFormErrors {
  const errors: ShipFormErrors = {};
  if (!(CARRIERS as readonly string[]).includes(form.carrier)) errors.carrier = 'admin.ship.error.carrier';
  if (form.carrier === 'other' && (!form.carrierName || !hasNoControlCharacters(form.carrierName))) errors.carrierName = 'admin.ship.error.carrierName';
  if (!TRACKING_NUMBER.test(form.trackingNumber)) errors.trackingNumber = 'admin.ship.error.trackingNumber';
  return errors;
}

export function adminFulfilmentRoutes(deps: { db: Database; clock: () => Date }): Router {
  const router = Router();
  const merchant = (req: Request, res: Response): MerchantRequest => ({ actor: res.locals.admin.username as string, ...(req.ip && { address: req.ip }) });
  const orderId = (id: string) => {
    if (!z.uuid().safeParse(id).success) throw new NotFoundError(`no order ${id}`);
    return id;
  };

  async function endWith(req: Request, orderId: string, result: FulfilmentResult, done: string) {
    if (result.kind === 'not_found') throw new NotFoundError(`no order ${orderId}`);
    setNotice(
      req.session,
      result.kind === 'applied'
        ? { tone: 'success', messageKey: done }
        : { tone: 'danger', messageKey: `admin.fulfilment.refused.${result.problem}`, params: { status: result.from } },
    );
    await saveSession(req);
  }

  router.post('/orders/:id/ship', async (req, res) => {
    const form = readInput(shipFormSchema, req.body);
    const order = await findOrderRecord(deps.db, req.params.id);
    if (!order) throw new NotFoundError(`no order ${req.params.id}`);
    const errors = shipFormErrors(form);
    if (Object.keys(errors).length > 0) return res.status(422).render('admin/ship-form.njk', { order, form, errors, carriers: CARRIERS });
    const shipment = {
      carrier: form.carrier as (typeof CARRIERS)[number],
      ...(form.carrier === 'other' && { carrierName: form.carrierName }),
      trackingNumber: form.trackingNumber,
    };
    const result = await shipOrder(deps.db, { id: order.id }, shipment, merchant(req, res), deps.clock());
    await endWith(req, order.id, result, 'admin.fulfilment.shipped');
    res.redirect(303, `/admin/orders/${order.id}`);
  });

  router.post('/orders/:id/deliver', async (req, res) => {
    const id = orderId(req.params.id);
    await endWith(req, id, await markDelivered(deps.db, { id }, merchant(req, res), deps.clock()), 'admin.fulfilment.delivered');
    res.redirect(303, `/admin/orders/${id}`);
  });

  router.post('/orders/:id/return', async (req, res) => {
    const id = orderId(req.params.id);
    await endWith(req, id, await markReturned(deps.db, { id }, merchant(req, res), deps.clock()), 'admin.fulfilment.returned');
    res.redirect(303, `/admin/orders/${id}`);
  });

  // Cancelling: an unpaid order is closed here; a paid one is refunded in full by the refund form.
  router.post('/orders/:id/cancel', async (req, res) => {
    const order = await findOrderRecord(deps.db, req.params.id);
    if (!order) throw new NotFoundError(`no order ${req.params.id}`);
    const cancellation = cancellationOf(order);
    if (cancellation === 'refund') {
      // The attempt that holds the money; a duplicate payment's own refund is done from its row.
      const paid = order.payments.findLast((payment) => refundActions(payment, payment.refunds).canRefund);
      if (paid) return res.redirect(303, `/admin/payments/${paid.id}/refund`);
      setNotice(req.session, { tone: 'danger', messageKey: 'admin.orderCancel.refused.notRefundable' });
    } else {
      const { actor, address } = merchant(req, res);
      const result = await cancelUnpaidOrder(deps.db, order.id, { merchant: actor, ...(address && { address }) }, deps.clock());
      if (result.kind === 'cancelled') setNotice(req.session, { tone: 'success', messageKey: 'admin.orderCancel.done' });
      else if (result.kind === 'refused') setNotice(req.session, { tone: 'danger', messageKey: `admin.orderCancel.refused.${result.reason}` });
    }
    await saveSession(req);
    res.redirect(303, `/admin/orders/${order.id}`);
  });

  router.get('/shipments/upload', (_req, res) => {
    res.render('admin/shipments-upload.njk', { maxRows: MAX_CSV_ROWS });
  });

  router.post('/shipments/upload', async (req, res) => {
    const file = req.file;
    if (!file || file.size === 0) return res.status(422).render('admin/shipments-upload.njk', { maxRows: MAX_CSV_ROWS, problem: 'admin.shipments.error.noFile' });
    try {
      const report = await applyShipmentCsv(deps.db, file.buffer.toString('utf8'), merchant(req, res), deps.clock);
      req.log.info({ rows: report.length, applied: report.filter((row) => row.applied).length }, 'carrier CSV applied');
      res.render('admin/shipments-report.njk', { report, applied: report.filter((row) => row.applied).length, fileName: file.originalname });
    } catch (error) {
      if (!(error instanceof UnreadableCsvError)) throw error;
      res.status(422).render('admin/shipments-upload.njk', { maxRows: MAX_CSV_ROWS, problem: 'admin.shipments.error.unreadable', detail: error.message });
    }
  });

  router.get('/orders/:id/slip', async (req, res) => {
    const selection = readInput(slipSelectionSchema, { id: req.params.id, prices: req.query.prices });
    const orders = await packingSlips(deps.db, selection.id);
    if (orders.length === 0) throw new NotFoundError(`no order ${req.params.id}`);
    res.render('admin/packing-slips.njk', { orders, showPrices: selection.prices === 'show' });
  });

  router.get('/slips', async (req, res) => {
    const selection = readInput(slipSelectionSchema, req.query);
    const orders = await packingSlips(deps.db, selection.id);
    res.render('admin/packing-slips.njk', { orders, showPrices: selection.prices === 'show' });
  });

  return router;
}
