import type { Locale } from '../i18n/locales';

declare global {
  namespace Express {
    interface Request {
      locale: Locale;
    }
  }
}

export {};
