// Nunjucks, with the filters templates use to show money, dates and status codes, and where product photos are.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import { failureLabel, statusLabel, statusTone, type LabelKind } from '../orders/status-labels';
import { trackingUrl } from '../fulfilment/carriers';
import type { Locale } from '../i18n/locales';
import { TAIPEI_TIME_ZONE } from '../time/taipei';
import { photoDimensions, photoUrl } from '../catalog/photos';

export function formatTwd(amountTwd: number): string {
  return `NT$${amountTwd.toLocaleString('en-US')}`;
}

// hourCycle h23, not hour12: false, with which zh-TW writes a minute past midnight as "24:01".
const DATE_TIME: Intl.DateTimeFormatOptions = {
  timeZone: TAIPEI_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
};
// Made once: building a DateTimeFormat costs about 100 µs, a hundred times what formatting a date does.
const zhDateTime = new Intl.DateTimeFormat('zh-TW', DATE_TIME);
const partsDateTime = new Intl.DateTimeFormat('en-US', DATE_TIME);

/** zh-TW as Taiwan writes it (2026/02/01 00:05); English in ISO order (2026-02-01 00:05), which no reader misreads as day/month. */
export function formatTaipeiDateTime(date: Date | string | null | undefined, locale: Locale): string {
  if (!date) return '';
  if (locale !== 'en') return zhDateTime.format(new Date(date));
  const part = Object.fromEntries(partsDateTime.formatToParts(new Date(date)).map(({ type, value }) => [type, value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** A long number in groups of four (a virtual account, read aloud or typed into an ATM). */
export function groupDigits(digits: string | null | undefined): string {
  return (digits ?? '').replace(/(\d{4})(?=\d)/g, '$1 ');
}

/** Changes whenever a template file is edited, added or removed. */
function templatesVersion(viewsDir: string): string {
  const files = readdirSync(viewsDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const newest = Math.max(0, ...files.map((file) => statSync(join(file.parentPath, file.name)).mtimeMs));
  return `${files.length}:${newest}`;
}

/** `testMode`: a staging shop on the bank's test host; every page says so (layout.njk, admin/layout.njk). */
export function setUpViews(app: Express, options: { viewsDir: string; watch: boolean; testMode?: boolean }): nunjucks.Environment {
  // Templates are compiled once and cached. Compiling costs ten times what rendering does, so even
  // when a developer wants edits picked up live they are recompiled only after a template changed,
  // which costs a look at the templates' modification times per request (nunjucks' own watch
  // needs chokidar, which the shop does not install).
  const env = nunjucks.configure(options.viewsDir, { autoescape: true, express: app, noCache: false, watch: false });
  if (options.watch) {
    let version = templatesVersion(options.viewsDir);
    app.use((_req, _res, next) => {
      const current = templatesVersion(options.viewsDir);
      if (current !== version) {
        version = current;
        // Not in @types/nunjucks: empties every loader's cache of compiled templates.
        (env as nunjucks.Environment & { invalidateCache(): void }).invalidateCache();
      }
      next();
    });
  }
  env.addGlobal('testMode', options.testMode === true);
  env.addFilter('twd', (amountTwd: number) => formatTwd(amountTwd));
  // Payment amounts are TWD×100, as the bank counts them.
  env.addFilter('twdCents', (amount: number) => formatTwd(Math.round(amount / 100)));
  env.addFilter('taipei', (date: Date | string | null | undefined, locale: Locale) => formatTaipeiDateTime(date, locale));
  env.addFilter('statusLabel', (code: string | null | undefined, kind: LabelKind, locale: Locale) => statusLabel(kind, code, locale));
  env.addFilter('statusTone', (code: string | null | undefined, kind: 'order' | 'payment' | 'invoice') => statusTone(kind, code));
  env.addFilter('failureLabel', (code: string | null | undefined, locale: Locale) => failureLabel(code, locale));
  env.addFilter('groupDigits', (digits: string | null | undefined) => groupDigits(digits));
  env.addGlobal('photoUrl', photoUrl);
  env.addGlobal('photoDimensions', photoDimensions);
  env.addFilter('trackingUrl', (order: { carrier: string | null; trackingNumber: string | null }) => trackingUrl(order.carrier, order.trackingNumber));
  app.set('view engine', 'njk');
  return env;
}
