import type { Response } from 'express';
import { ASSETS } from './assets';

/** Markup that is already escaped; anything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly text: string) {}
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(strings.reduce((out, part, i) => out + part + (i < values.length ? render(values[i]) : ''), ''));
}

// Scripts and styles come only from the sandbox itself; forms may post back to any shop.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "style-src 'self'", "script-src 'self'", "img-src 'self' data:",
  "form-action 'self' http: https:", "base-uri 'none'", "frame-ancestors 'none'",
].join('; ');

export function sendPage(res: Response, status: number, title: string, body: SafeHtml): void {
  const page = html`<!doctype html>
<html lang="zh-Hant-TW">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}｜永豐銀行 豐收款（本機測試環境）</title>
<link rel="stylesheet" href="${ASSETS.css}">
</head>
<body>
<header class="bank-bar">
  <div class="brand"><span class="brand-mark">永豐</span><span class="brand-name">豐收款 線上收款</span></div>
  <span class="sandbox-badge">SANDBOX 測試環境</span>
</header>
${body}
<footer class="bank-footer">本頁由本機 SinoPac 模擬器提供，並非永豐銀行正式頁面。請勿輸入真實卡號。</footer>
</body>
</html>
`;
  res.status(status).set('Content-Security-Policy', CONTENT_SECURITY_POLICY).type('html').send(page.text);
}

/** `back`: the way back to the shop, where the page knows the order it is about. */
export function sendErrorPage(res: Response, status: number, title: string, message: string, back: SafeHtml | string = ''): void {
  sendPage(res, status, title, html`<main class="panel"><h1>${title}</h1><p class="notice notice-error" role="alert">${message}</p>${back}</main>`);
}

/** TWD×100 as the shopper reads it, e.g. 129900 → "NT$ 1,299". */
export function formatAmount(amount: number): string {
  return `NT$ ${(amount / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}
