// What the merchant can do to one payment attempt: re-check it with the bank, refund it (form,
// confirmation, then the refund itself) or cancel its authorisation (confirmation, then the cancel);
// and the list of attempts the bank keeps failing to describe.
// Every action ends in a redirect to the order's page with one notice saying what happened.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { findInvoiceStepsNeedingAttention, findPaidOnCancelledOrders, findPaymentsNeedingAttention, findRefundsNeedingReview, recheckPayment } from '../admin/attention';
import { recheckNotice, refundNotice, setNotice } from '../admin/notices';
import { recordMerchantAction } from '../admin/trail';
import { saveSession } from '../web/session';
import {
  findRefundTarget,
  refundActions,
  refundFormSchema,
  refundPayment,
  refundProblem,
  toRefundForm,
  type RefundDependencies,
  type RefundForm,
  type RefundTarget,
} from '../admin/refunds';
import { ATTENTION_AFTER_FAILURES } from '../jobs/bank-check-schedule';
import { NotFoundError } from '../web/errors';
import { readInput } from './form-input';
import { toBankAmount } from '../sinopac/shop-bank';

export function adminPaymentRoutes(deps: RefundDependencies): Router {
  const router = Router();
  // The request's logger, so that every line the re-check and the refund write carries the request id.
  const withRequestLog = (req: Request) => ({ ...deps, logger: req.log });

  async function target(paymentId: string): Promise<RefundTarget> {
    const found = await findRefundTarget(deps.db, paymentId);
    if (!found) throw new NotFoundError(`no payment ${paymentId}`);
    return found;
  }

  router.get('/payments/attention', async (_req, res) => {
    const [payments, refunds, paidOnCancelled, invoiceSteps] = await Promise.all([
      findPaymentsNeedingAttention(deps.db),
      findRefundsNeedingReview(deps.db),
      findPaidOnCancelledOrders(deps.db),
      findInvoiceStepsNeedingAttention(deps.db),
    ]);
    res.render('admin/attention.njk', { payments, refunds, paidOnCancelled, invoiceSteps, threshold: ATTENTION_AFTER_FAILURES });
  });

  router.post('/payments/:id/recheck', async (req, res) => {
    const rechecked = await recheckPayment(withRequestLog(req), req.params.id);
    if (!rechecked) throw new NotFoundError(`no payment ${req.params.id}`);
    req.log.info({ paymentId: req.params.id, result: rechecked.result.kind }, 'payment re-checked with the bank');
    await recordMerchantAction(deps.db, {
      actor: res.locals.admin.username,
      action: 'recheck',
      subject: rechecked.orderNo,
      details: { paymentId: req.params.id, result: rechecked.result.kind },
      ...(req.ip && { address: req.ip }),
    });
    setNotice(req.session, recheckNotice(rechecked.result));
    await saveSession(req);
    res.redirect(303, `/admin/orders/${rechecked.orderId}`);
  });

  router.get('/payments/:id/refund', async (req, res) => {
    const payment = await target(req.params.id);
    const { refundable } = refundActions(payment, payment.refunds);
    const amountTwd = refundable / 100;
    const form: RefundForm = { kind: 'refund', amountText: String(amountTwd), amountTwd, remark: undefined, idempotencyKey: randomUUID() };
    renderForm(res, payment, form, refundProblem(payment, payment.refunds, { kind: 'refund', amount: refundable }));
  });

  router.post('/payments/:id/refund/review', async (req, res) => {
    const payment = await target(req.params.id);
    const { form, problem } = toRefundForm(readInput(refundFormSchema, req.body));
    const refusal = problem ?? refundProblem(payment, payment.refunds, { kind: form.kind, amount: toBankAmount(form.amountTwd ?? 0) });
    if (refusal) return renderForm(res.status(422), payment, form, refusal);
    renderConfirm(res, payment, form);
  });

  router.get('/payments/:id/cancel', async (req, res) => {
    const payment = await target(req.params.id);
    const form: RefundForm = { kind: 'cancel', amountText: '', amountTwd: undefined, remark: undefined, idempotencyKey: randomUUID() };
    renderConfirm(res, payment, form, refundProblem(payment, payment.refunds, { kind: 'cancel', amount: payment.amount }));
  });

  router.post('/payments/:id/refunds', async (req, res) => {
    const payment = await target(req.params.id);
    const { form, problem } = toRefundForm(readInput(refundFormSchema, req.body));
    if (problem) return renderForm(res.status(422), payment, form, problem);
    const result = await refundPayment(withRequestLog(req), {
      paymentId: payment.id,
      kind: form.kind,
      amount: toBankAmount(form.amountTwd ?? 0),
      idempotencyKey: form.idempotencyKey,
      ...(form.remark !== undefined && { remark: form.remark }),
      requestedBy: res.locals.admin.username,
    });
    if (result.kind === 'not_found') throw new NotFoundError(`no payment ${payment.id}`);
    if (result.kind === 'not_allowed') {
      // Shown against the attempt as it is now, since something changed after the form was filled in.
      const current = await target(payment.id);
      const render = form.kind === 'refund' ? renderForm : renderConfirm;
      return render(res.status(422), current, form, result.problem);
    }
    req.log.info({ paymentId: payment.id, refundKind: form.kind, result: result.kind }, 'refund handled');
    await recordMerchantAction(deps.db, {
      actor: res.locals.admin.username,
      action: 'refund',
      subject: payment.orderNo,
      details: { kind: form.kind, amount: toBankAmount(form.amountTwd ?? 0), result: result.kind, refundId: result.refund.id },
      ...(req.ip && { address: req.ip }),
    });
    setNotice(req.session, refundNotice(result));
    await saveSession(req);
    res.redirect(303, `/admin/orders/${payment.orderId}`);
  });

  return router;
}

function renderForm(res: Response, payment: RefundTarget, form: RefundForm, problem?: string): void {
  res.render('admin/refund-form.njk', { payment, form, problem, actions: refundActions(payment, payment.refunds) });
}

function renderConfirm(res: Response, payment: RefundTarget, form: RefundForm, problem?: string): void {
  // A cancel releases the whole authorisation.
  const amount = form.kind === 'cancel' ? payment.amount : toBankAmount(form.amountTwd ?? 0);
  res.render('admin/refund-confirm.njk', { payment, form, amount, problem });
}
