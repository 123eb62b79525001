import { Router, type Request, type Response } from 'express';
import type { PaymentAttemptDependencies } from '../payments/start-attempt';
import { priceCart } from '../cart/priced-cart';
import { checkoutTokenFor } from '../checkout/checkout-token';
import { CHECKOUT_FIELDS, readCheckoutForm, type CheckoutErrors } from '../checkout/checkout-form';
import { TAIWAN_CITIES } from '../checkout/taiwan-cities';
import { FREE_SHIPPING_FROM_TWD } from '../cart/shipping';
import { placeOrder } from '../checkout/place-order';
import { cardPageRedirect } from './card-page-redirect';
import { renewSessionKeepingAccess } from '../orders/order-access';
import { ensureShopperId } from '../orders/shopper';
import { saveSession } from '../web/session';
import { noStore } from './no-store';
import { RECIPIENT_CHECK_TIMEOUT_MS, unknownRecipientErrors, type InvoiceRecipientChecks } from '../checkout/invoice-recipient-check';
import { DEFAULT_EINVOICE, INVOICE_RECIPIENTS, OTHER_CHARITY, WELL_KNOWN_CHARITIES, type EinvoicePageSettings } from '../checkout/invoice-choice';

export function checkoutRoutes(
  deps: PaymentAttemptDependencies & { settings: { einvoice?: EinvoicePageSettings }; invoiceRecipientChecks?: InvoiceRecipientChecks },
): Router {
  const router = Router();
  const einvoice = (deps.settings.einvoice ?? DEFAULT_EINVOICE).enabled;
  router.use('/checkout', noStore);

  async function showForm(req: Request, res: Response, status: number, values: Record<string, unknown>, errors: CheckoutErrors, renew = false) {
    const cart = await priceCart(deps.db, req.session.cart ?? []);
    if (!cart.orderable) return res.redirect(303, '/cart');
    // Where the session starts to hold orders: a new id (cart and all kept), so that a session id
    // planted in this browser beforehand sees nothing of the order about to be placed.
    if (renew) await renewSessionKeepingAccess(deps.db, req);
    // The owner token exists before the form is posted, so that two racing submits share it.
    ensureShopperId(req.session);
    res.status(status).render('checkout.njk', {
      cart,
      values,
      errors,
      // The summary lists the fields in the form's order.
      errorFields: CHECKOUT_FIELDS.filter((field) => errors[field]),
      cities: TAIWAN_CITIES,
      freeShippingFromTwd: FREE_SHIPPING_FROM_TWD,
      einvoice,
      invoiceRecipients: INVOICE_RECIPIENTS,
      charities: WELL_KNOWN_CHARITIES,
      otherCharity: OTHER_CHARITY,
      checkoutToken: checkoutTokenFor(req.session),
    });
  }

  router.get('/checkout', (req, res) => showForm(req, res, 200, { payType: 'card', invoiceRecipient: 'member_carrier', invoiceCharity: WELL_KNOWN_CHARITIES[0].code }, {}, true));

  router.post('/checkout', async (req, res) => {
    const read = readCheckoutForm(req.body, { einvoice });
    if ('errors' in read) return showForm(req, res, 422, req.body ?? {}, read.errors);
    const { form } = read;
    if (deps.invoiceRecipientChecks && form.invoice) {
      const unknown = await unknownRecipientErrors(deps.invoiceRecipientChecks, form.invoice, { timeoutMs: RECIPIENT_CHECK_TIMEOUT_MS, logger: req.log });
      if (Object.keys(unknown).length > 0) return showForm(req, res, 422, req.body, unknown);
    }
    // Once the order is written the cart is spent: the session forgets it while the bank is asked,
    // and is stored before the redirect, which the browser follows at once.
    const forgetCart = () => {
      req.session.cart = [];
      delete req.session.checkoutToken;
      return saveSession(req);
    };
    const redirect = cardPageRedirect(req, res);
    // The request's logger, so that the payment's log lines carry the request id.
    const result = await redirect.settle(placeOrder({ ...deps, logger: req.log }, {
      sessionId: req.sessionID,
      checkoutToken: form.checkoutToken,
      shopperId: ensureShopperId(req.session),
      cart: req.session.cart ?? [],
      customer: { name: form.name, email: form.email, phone: form.phone },
      delivery: form.delivery,
      payType: form.payType,
      invoice: form.invoice,
      locale: req.locale,
    }, { placed: forgetCart, toCardPage: redirect.send }));
    if (!result) return;
    switch (result.outcome) {
      case 'placed':
        return res.redirect(303, result.next);
      case 'already_placed':
        return res.redirect(303, result.latestOrderId ? `/orders/${result.latestOrderId}` : '/checkout');
      case 'cart_unavailable':
        return res.redirect(303, '/cart');
      case 'over_atm_limit':
        return showForm(req, res, 422, req.body, { payType: 'checkout.error.atmLimit' });
    }
  });

  return router;
}
