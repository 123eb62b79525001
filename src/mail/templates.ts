// The e-mails' words and layout: views/mail/<kind>.txt.njk and .html.njk, in the order's language
// through the i18n catalogs. The HTML is escaped as the shop's pages are; the plain text is not
// (it is not HTML), and holds nothing but these texts and the view's values.
import nunjucks from 'nunjucks';
import type { MailKind } from '../generated/prisma/client';
import type { Catalog, Locale } from '../i18n/locales';
import { translator } from '../i18n/translate';

/** Everything a mail shows, already formatted: templates only place it. No card data, ever. */
export interface MailView {
  locale: Locale;
  customerName: string;
  number: string;
  payType: string;
  lines: Array<{ name: string; quantity: number; total: string }>;
  /** The shipping fee, null when free; absent on orders placed before it was recorded. */
  shipping?: string | null;
  total: string;
  /** Where the order goes, as the order page shows it; absent on orders placed before checkout asked. */
  delivery?: { name: string; phone: string; address: string };
  /** order_placed of an ATM order, and atm_account_reissued: where to transfer, how much, by when. */
  atm?: { bankCode: string; account: string; amount: string; deadline: string };
  /** payment_received. */
  paid?: { amount: string; at: string };
  /** payment_received of an order with an e-invoice: where it goes and, when already issued, its number, date and random number; invoice_issued: all of it. */
  invoice?: { recipient: string; number?: string; date?: string; randomNumber?: string };
  /** payment_refunded: how much went back, when, to which method, and whether the order is refunded in full. */
  refund?: { amount: string; at: string; method: string; whole: boolean };
  /** order_shipped: the carrier in words, its tracking number and page (when it has one). */
  shipment?: { carrier: string; trackingNumber: string; trackingUrl?: string };
  /** The signed link that opens the order in any browser. */
  orderUrl: string;
  lookupUrl: string;
  linkDays: number;
  /** The foot of every mail: how to reach the shop (replies reach nobody) and its policies. */
  shop: { contactUrl: string; termsUrl: string; returnsUrl: string; privacyUrl: string; email: string; phone: string };
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const TEMPLATE: Record<MailKind, { file: string; subject: string }> = {
  order_placed: { file: 'order-placed', subject: 'mail.orderPlaced.subject' },
  payment_received: { file: 'payment-received', subject: 'mail.paymentReceived.subject' },
  order_shipped: { file: 'order-shipped', subject: 'mail.orderShipped.subject' },
  order_cancelled: { file: 'order-cancelled', subject: 'mail.orderCancelled.subject' },
  atm_account_reissued: { file: 'atm-account-reissued', subject: 'mail.atmReissued.subject' },
  payment_refunded: { file: 'payment-refunded', subject: 'mail.refunded.subject' },
  invoice_issued: { file: 'invoice-issued', subject: 'mail.invoiceIssued.subject' },
};

export type MailRenderer = (kind: MailKind, view: MailView) => MailContent;

export function createMailRenderer(options: { viewsDir: string; catalog: Catalog }): MailRenderer {
  const html = new nunjucks.Environment(new nunjucks.FileSystemLoader(options.viewsDir), { autoescape: true });
  const text = new nunjucks.Environment(new nunjucks.FileSystemLoader(options.viewsDir), { autoescape: false, trimBlocks: true });
  return (kind, view) => {
    const t = translator(options.catalog, view.locale);
    const subject = t(TEMPLATE[kind].subject, { number: view.number });
    const context = { ...view, t, subject };
    return {
      subject,
      text: text.render(`mail/${TEMPLATE[kind].file}.txt.njk`, context),
      html: html.render(`mail/${TEMPLATE[kind].file}.html.njk`, context),
    };
  };
}
