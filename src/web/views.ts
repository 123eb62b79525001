// Nunjucks, with the filters templates use to show money, dates and status codes.
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { statusLabel, type LabelKind } from '../orders/status-labels';
import type { Locale } from '../i18n/locales';

const TAIPEI = 'Asia/Taipei';

export function formatTwd(amountTwd: number): string {
  return `NT$${amountTwd.toLocaleString('en-US')}`;
}

export function formatTaipeiDateTime(date: Date | string | null | undefined, locale: Locale): string {
  if (!date) return '';
  return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'zh-TW', {
    timeZone: TAIPEI, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(date));
}

export function setUpViews(app: Express, options: { viewsDir: string; watch: boolean }): nunjucks.Environment {
  // Templates are compiled once and cached, unless a developer wants edits picked up live.
  const env = nunjucks.configure(options.viewsDir, { autoescape: true, express: app, noCache: options.watch, watch: false });
  env.addFilter('twd', (amountTwd: number) => formatTwd(amountTwd));
  // Payment amounts are TWD×100, as the bank counts them.
  env.addFilter('twdCents', (amount: number) => formatTwd(Math.round(amount / 100)));
  env.addFilter('taipei', (date: Date | string | null | undefined, locale: Locale) => formatTaipeiDateTime(date, locale));
  env.addFilter('statusLabel', (code: string | null | undefined, kind: LabelKind, locale: Locale) => statusLabel(kind, code, locale));
  app.set('view engine', 'njk');
  return env;
}
