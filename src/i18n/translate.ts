// Interface text in zh-TW and English. Catalogs live in ./catalogs, one file per part of the shop,
// each giving every key in both languages.
import type { Catalog, Locale } from './locales';
import { admin } from './catalogs/admin';
import { adminCatalogue } from './catalogs/admin-catalogue';
import { common } from './catalogs/common';
import { payments } from './catalogs/payments';
import { shop } from './catalogs/shop';
import { browse } from './catalogs/browse';
import { mail } from './catalogs/mail';
import { orderLookup } from './catalogs/order-lookup';
import { fulfilment } from './catalogs/fulfilment';
import { shopInfo } from './catalogs/shop-info';
import { einvoice } from './catalogs/einvoice';
import { invoiceAttention } from './catalogs/invoice-attention';

export function mergeCatalogs(...catalogs: Catalog[]): Catalog {
  const merged: Catalog = { 'zh-TW': {}, en: {} };
  for (const catalog of catalogs) {
    for (const locale of Object.keys(merged) as Locale[]) {
      for (const [key, text] of Object.entries(catalog[locale])) {
        if (key in merged[locale]) throw new Error(`translation key ${key} is defined twice`);
        merged[locale][key] = text;
      }
    }
  }
  return merged;
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(catalog: Catalog, locale: Locale): Translate {
  return (key, params = {}) => {
    const text = catalog[locale][key] ?? catalog['zh-TW'][key];
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };
}

export const defaultCatalogs: Catalog[] = [common, shop, browse, payments, admin, adminCatalogue, orderLookup, mail, fulfilment, shopInfo, einvoice, invoiceAttention];
