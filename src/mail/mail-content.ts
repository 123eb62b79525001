// What one outbox row's mail says, read from the order as it is when the mail is sent: the order,
// its lines, and the attempt the row names (the ATM account, or the payment received).
import type { Database } from '../db/prisma';
import type { MailOutbox, Order } from '../generated/prisma/client';
import { isLocale, DEFAULT_LOCALE, type Locale } from '../i18n/locales';
import { ORDER_LINK_TTL_MS, type OrderLinks } from '../orders/order-link';
import { statusLabel } from '../orders/status-labels';
import { trackingUrl } from '../fulfilment/carriers';
import { formatTaipeiDateTime, formatTwd } from '../web/views';
import { readShopSettings } from '../shop-info/shop-settings';
import type { MailView } from './templates';
import { toBankAmount } from '../sinopac/shop-bank';
import { invoiceForOrder } from '../einvoice/invoice-records';

export interface MailContentDependencies {
  db: Database;
  orderLinks: OrderLinks;
  publicBaseUrl: string;
}

/** The 14-digit account in groups of four, as people read and type it. */
const grouped = (account: string) => account.replace(/(\d{4})(?=\d)/g, '$1 ');

/**
 * Why a due mail is not sent after all, or undefined when it is owed. A card order's
 * confirmation can stop being owed: it is held while the card page is open (apply-result.ts), and when it
 * comes due the receipt or the cancellation mail has already told the shopper, or an ATM account
 * mail (the shopper switched) has already confirmed the order with everything it would say. So can
 * an invoice's own mail, when the invoice was voided before it went.
 */
export async function mailNoLongerOwed(db: Database, mail: MailOutbox): Promise<string | undefined> {
  if (mail.kind === 'invoice_issued') return invoiceMailNoLongerOwed(db, mail.orderId);
  if (mail.kind !== 'order_placed' || !mail.paymentId) return undefined;
  const attempt = await db.payment.findUnique({ where: { id: mail.paymentId }, select: { payType: true } });
  if (attempt?.payType !== 'card') return undefined;
  const order = await db.order.findUniqueOrThrow({ where: { id: mail.orderId }, select: { status: true } });
  if (order.status !== 'awaiting_payment' && order.status !== 'expired') return `the order is ${order.status}: its own mail told the shopper`;
  const account = await db.mailOutbox.count({ where: { orderId: mail.orderId, kind: 'atm_account_reissued' } });
  return account > 0 ? 'an ATM account mail confirmed the order' : undefined;
}

/** An invoice voided before its own mail went (a quick full refund): its number is no use to the shopper. */
async function invoiceMailNoLongerOwed(db: Database, orderId: string): Promise<string | undefined> {
  const invoice = await db.invoice.findUnique({ where: { orderId }, select: { status: true } });
  return invoice?.status === 'issued' ? undefined : `the invoice is ${invoice?.status ?? 'gone'}`;
}

/** The e-invoice as the receipt shows it: the number once issued, else only where it goes. */
async function invoiceLines(db: Database, order: Order, locale: Locale): Promise<NonNullable<MailView['invoice']>> {
  const invoice = await invoiceForOrder(db, order.id);
  const code = order.invoiceCarrierNumber ?? order.invoiceDonationCode ?? (order.invoiceTaxId && `${order.invoiceTaxId} ${order.invoiceCompanyName ?? ''}`.trim());
  const recipient = `${statusLabel('invoiceRecipient', order.invoiceRecipient, locale)}${code ? ` ${code}` : ''}`;
  if (!invoice?.number || !invoice.issuedAt || invoice.status !== 'issued') return { recipient };
  return { recipient, number: invoice.number, date: formatTaipeiDateTime(invoice.issuedAt, locale), randomNumber: invoice.randomNumber ?? '' };
}

export async function composeMail(deps: MailContentDependencies, mail: MailOutbox): Promise<{ to: string; view: MailView }> {
  const order = await deps.db.order.findUniqueOrThrow({ where: { id: mail.orderId }, include: { lines: { orderBy: { id: 'asc' } } } });
  const payment = mail.paymentId ? await deps.db.payment.findUnique({ where: { id: mail.paymentId } }) : null;
  const locale = isLocale(order.locale) ? order.locale : DEFAULT_LOCALE;
  const settings = await readShopSettings(deps.db);
  const cents = (amount: number) => formatTwd(Math.round(amount / 100));

  const view: MailView = {
    locale,
    customerName: order.customerName,
    number: order.number,
    payType: statusLabel('payType', order.payType, locale),
    lines: order.lines.map((line) => ({
      name: locale === 'en' ? line.nameEn : line.nameZh,
      quantity: line.quantity,
      total: formatTwd(line.unitPriceTwd * line.quantity),
    })),
    ...(order.shippingTwd !== null && { shipping: order.shippingTwd === 0 ? null : formatTwd(order.shippingTwd) }),
    total: formatTwd(order.totalTwd),
    ...(order.recipientName && {
      delivery: {
        name: order.recipientName,
        phone: order.recipientPhone ?? '',
        address: `${order.postcode ?? ''} ${order.city ?? ''}${order.district ?? ''}${order.street ?? ''}`.trim(),
      },
    }),
    orderUrl: `${deps.publicBaseUrl}${deps.orderLinks.pathFor(order.id)}`,
    lookupUrl: `${deps.publicBaseUrl}/orders/lookup`,
    linkDays: Math.round(ORDER_LINK_TTL_MS / 86_400_000),
    shop: {
      contactUrl: `${deps.publicBaseUrl}/contact`,
      termsUrl: `${deps.publicBaseUrl}/terms`,
      returnsUrl: `${deps.publicBaseUrl}/returns`,
      privacyUrl: `${deps.publicBaseUrl}/privacy`,
      email: settings.contactEmail,
      phone: settings.contactPhone,
    },
  };
  if ((mail.kind === 'order_placed' || mail.kind === 'atm_account_reissued') && payment?.payType === 'atm' && payment.atmPayNo) {
    view.atm = {
      bankCode: payment.atmBankCode ?? '',
      account: grouped(payment.atmPayNo),
      amount: cents(payment.amount),
      deadline: formatTaipeiDateTime(payment.atmDeadline, locale),
    };
  }
  if (mail.kind === 'payment_received') {
    view.paid = {
      amount: cents(payment?.amount ?? toBankAmount(order.totalTwd)),
      at: formatTaipeiDateTime(payment?.payDate ?? order.paidAt ?? mail.createdAt, locale),
    };
    if (order.invoiceRecipient) view.invoice = await invoiceLines(deps.db, order, locale);
  }
  if (mail.kind === 'invoice_issued') view.invoice = await invoiceLines(deps.db, order, locale);
  if (mail.kind === 'payment_refunded' && mail.refundId) {
    const refund = await deps.db.refund.findUniqueOrThrow({ where: { id: mail.refundId }, include: { moneyMovement: true, payment: true } });
    // Whole or in part as of this refund, not as of sending: a later refund may have completed it.
    const upToThis = await deps.db.refund.aggregate({
      where: { paymentId: refund.paymentId, status: 'succeeded', createdAt: { lte: refund.createdAt } },
      _sum: { amount: true },
    });
    view.refund = {
      amount: cents(refund.amount),
      at: formatTaipeiDateTime(refund.moneyMovement?.occurredAt ?? refund.updatedAt, locale),
      method: statusLabel('payType', refund.payment.payType, locale),
      whole: (upToThis._sum.amount ?? 0) >= refund.payment.amount,
    };
  }
  if (mail.kind === 'order_shipped' && order.carrier && order.trackingNumber) {
    const url = trackingUrl(order.carrier, order.trackingNumber);
    view.shipment = {
      carrier: order.carrier === 'other' && order.carrierName ? order.carrierName : statusLabel('carrier', order.carrier, locale),
      trackingNumber: order.trackingNumber,
      ...(url && { trackingUrl: url }),
    };
  }
  return { to: order.email, view };
}
