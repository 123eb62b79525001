// The form that closes a refund in needs_review with what the bank's own back office shows.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { setNotice } from '../admin/notices';
import { recordRefundReview, refundReviewSchema, type RefundReviewProblem } from '../admin/refund-review';
import type { ApplyDependencies } from '../payments/apply-result';
import { NotFoundError } from '../web/errors';
import { saveSession } from '../web/session';
import { readInput } from './form-input';

export function adminRefundReviewRoutes(deps: ApplyDependencies): Router {
  const router = Router();

  async function render(res: Response, refundId: string, extra: { problem?: RefundReviewProblem; reason?: string; form?: object } = {}) {
    const refund = await deps.db.refund.findUnique({ where: { id: refundId }, include: { payment: { include: { order: { select: { id: true, number: true } } } } } });
    if (!refund) throw new NotFoundError(`no refund ${refundId}`);
    res.render('admin/refund-review.njk', { refund, form: {}, ...extra });
  }

  router.get('/refunds/:id/review', async (req, res) => {
    if (!z.uuid().safeParse(req.params.id).success) throw new NotFoundError(`no refund ${req.params.id}`);
    await render(res, req.params.id);
  });

  router.post('/refunds/:id/review', async (req, res) => {
    const form = readInput(refundReviewSchema, req.body);
    const result = await recordRefundReview({ ...deps, logger: req.log }, req.params.id, form, { actor: res.locals.admin.username, ...(req.ip && { address: req.ip }) });
    if (result.kind === 'not_found') throw new NotFoundError(`no refund ${req.params.id}`);
    if (result.kind === 'problem') return render(res.status(422), req.params.id, { problem: result.problem, ...(result.reason && { reason: result.reason }), form });
    setNotice(req.session, { tone: 'success', messageKey: `admin.refundReview.recorded.${result.refund.status}`, params: { amount: result.refund.amount } });
    await saveSession(req);
    const payment = await deps.db.payment.findUniqueOrThrow({ where: { id: result.refund.paymentId }, select: { orderId: true } });
    res.redirect(303, `/admin/orders/${payment.orderId}`);
  });

  return router;
}
