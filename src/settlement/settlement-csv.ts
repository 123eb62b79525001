// The settlement for the accountant, as spreadsheets in the merchant's language: the list of days,
// and one day line by line (each bank line with what matching found, then what only the shop booked).
// Money in whole TWD; days as the bank writes them (yyyyMMdd, Taipei).
import { toCsv, type CsvCell } from '../admin/csv';
import type { Locale } from '../i18n/locales';
import type { Translate } from '../i18n/translate';
import { statusLabel } from '../orders/status-labels';
import type { DayDetail, DaySummary } from './settlement-report';

interface View {
  t: Translate;
  locale: Locale;
}

const twd = (amount: number | null | undefined) => (amount === null || amount === undefined ? null : amount / 100);

const DAY_COLUMNS = [
  'day', 'state', 'bankPayments', 'bankPaymentTwd', 'bankRefunds', 'bankRefundTwd',
  'shopPayments', 'shopPaymentTwd', 'shopRefunds', 'shopRefundTwd', 'differences',
] as const;

export function daysCsv(days: readonly DaySummary[], { t, locale }: View): string {
  const rows: CsvCell[][] = [DAY_COLUMNS.map((column) => t(`admin.settlement.csv.${column}`))];
  for (const d of days) {
    rows.push([
      d.day, statusLabel('settlement', d.state, locale),
      d.bank?.payments, twd(d.bank?.paymentAmount), d.bank?.refunds, twd(d.bank?.refundAmount),
      d.shop?.payments, twd(d.shop?.paymentAmount), d.shop?.refunds, twd(d.shop?.refundAmount),
      d.state === 'not_fetched' ? null : d.differenceCount,
    ]);
  }
  return toCsv(rows);
}

const LINE_COLUMNS = ['day', 'tsNo', 'orderNo', 'lineType', 'payType', 'bankTwd', 'shopTwd', 'payDate', 'result', 'shopDay'] as const;

export function dayCsv(detail: DayDetail, { t, locale }: View): string {
  const rows: CsvCell[][] = [LINE_COLUMNS.map((column) => t(`admin.settlement.csv.${column}`))];
  const byLine = new Map(detail.differences.filter((d) => d.linePosition !== null).map((d) => [d.linePosition!, d]));
  const matched = t('admin.settlement.matched');
  for (const line of detail.lines) {
    const difference = byLine.get(line.position);
    rows.push([
      detail.day, line.tsNo, line.orderNo, statusLabel('billLine', line.tsType, locale), statusLabel('payType', line.payType, locale),
      twd(line.amount), twd(difference ? difference.shopAmount : line.amount), line.payDate,
      difference ? statusLabel('difference', difference.kind, locale) : matched, difference?.shopDay,
    ]);
  }
  for (const difference of detail.differences.filter((d) => d.linePosition === null)) {
    rows.push([
      detail.day, null, difference.orderNo, statusLabel('billLine', difference.tsType, locale), statusLabel('payType', difference.shopPayType, locale),
      null, twd(difference.shopAmount), null, statusLabel('difference', difference.kind, locale), difference.shopDay,
    ]);
  }
  return toCsv(rows);
}
