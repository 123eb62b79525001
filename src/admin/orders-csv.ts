// The order list as a spreadsheet: one row per order, headings and labels in the merchant's
// language, money in whole TWD, times in Asia/Taipei.
import type { Translate } from '../i18n/translate';
import type { Locale } from '../i18n/locales';
import { statusLabel } from '../orders/status-labels';
import { TAIPEI_TIME_ZONE } from '../time/taipei';
import { toCsv, type CsvCell } from './csv';
import { mainAttempt, type ListedOrder } from './order-list';

const taipeiMinute = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TAIPEI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});

const when = (date: Date | null) => (date ? taipeiMinute.format(date) : '');

const COLUMNS = [
  'number', 'createdAt', 'paidAt', 'customer', 'email', 'phone', 'payType', 'status',
  'totalTwd', 'refundedTwd', 'orderNo', 'tsNo', 'paymentStatus',
] as const;

export function ordersCsv(orders: readonly ListedOrder[], view: { t: Translate; locale: Locale }): string {
  const { t, locale } = view;
  const rows: CsvCell[][] = [COLUMNS.map((column) => t(`admin.csv.${column}`))];
  for (const order of orders) {
    const attempt = mainAttempt(order);
    const refunded = order.payments.reduce((sum, payment) => sum + payment.refundedAmount, 0);
    rows.push([
      order.number,
      when(order.createdAt),
      when(order.paidAt),
      order.customerName,
      order.email,
      order.phone,
      statusLabel('payType', order.payType, locale),
      statusLabel('order', order.status, locale),
      order.totalTwd,
      refunded / 100,
      attempt?.orderNo,
      attempt?.tsNo,
      statusLabel('payment', attempt?.status, locale),
    ]);
  }
  return toCsv(rows);
}
