// The console page: every issued invoice with its allowances and void, for a person watching the
// sandbox. Plain HTML with labels in both languages; no script.
import { Router } from 'express';
import type { AllowanceView, EinvoiceSandboxControl, InvoiceView } from './control';

export const CONSOLE_PATH = '/console';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
const twd = (amount: number) => `NT$ ${amount.toLocaleString('en-US')}`;

const CARRIERS: Record<string, string> = {
  '': '無載具 None',
  '1': '綠界會員載具 ECPay member',
  '2': '自然人憑證 Citizen certificate',
  '3': '手機條碼 Mobile barcode',
  '4': '悠遊卡 EasyCard',
  '5': '一卡通 iPASS',
};

function recipient(invoice: InvoiceView): string {
  const parts: string[] = [];
  if (invoice.donation) parts.push(`捐贈 Donated: ${esc(invoice.loveCode)}`);
  if (invoice.customerIdentifier) parts.push(`統編 Tax ID: ${esc(invoice.customerIdentifier)}${invoice.customerName ? ` ${esc(invoice.customerName)}` : ''}`);
  parts.push(`${CARRIERS[invoice.carrierType] ?? esc(invoice.carrierType)}${invoice.carrierNum ? ` <code>${esc(invoice.carrierNum)}</code>` : ''}`);
  if (invoice.print) parts.push('列印 Printed');
  return parts.join('<br>');
}

const ALLOWANCE_STATUS: Record<AllowanceView['status'], string> = {
  valid: '',
  pending: ' <strong>待買方同意 Awaiting the buyer</strong>',
  expired: ' <strong>未同意已逾期 Expired</strong>',
  void: ' <strong>已作廢 Void</strong>',
};

function allowances(invoice: InvoiceView): string {
  if (invoice.allowances.length === 0) return '—';
  return `<ul>${invoice.allowances.map((a) => `<li><code>${esc(a.allowanceNo)}</code> ${twd(a.amount)} ${esc(a.date)}${
    a.online ? ' 線上 Online' : ''}${ALLOWANCE_STATUS[a.status]}${a.voidedAt ? ` ${esc(a.voidedAt)}` : ''}</li>`).join('')}</ul>`;
}

function row(invoice: InvoiceView): string {
  return `<tr data-invoice-no="${esc(invoice.invoiceNo)}">
<td><code>${esc(invoice.invoiceNo)}</code><br>${esc(invoice.randomNumber)}</td>
<td>${esc(invoice.invoiceDate)}</td>
<td>${esc(invoice.merchantId)}<br><code>${esc(invoice.relateNumber)}</code></td>
<td>${twd(invoice.salesAmount)}<br><small>餘 Left ${twd(invoice.remainingAllowance)}</small></td>
<td>${recipient(invoice)}</td>
<td class="status">${invoice.status === 'void' ? `<strong>已作廢 Void</strong><br>${esc(invoice.voidedAt)} ${esc(invoice.voidReason)}` : '已開立 Issued'}</td>
<td>${allowances(invoice)}</td>
</tr>`;
}

function page(invoices: InvoiceView[]): string {
  return `<!doctype html>
<html lang="zh-Hant-TW">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>電子發票模擬器 E-invoice sandbox</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 80rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #8a8a8a; padding: .4rem; text-align: left; vertical-align: top; }
th { background: #eef1f4; }
ul { margin: 0; padding-left: 1rem; }
a { color: #0b57a4; display: inline-block; min-height: 44px; line-height: 44px; }
@media (max-width: 40rem) { table, tbody, tr, td { display: block; } thead { display: none; } tr { border: 1px solid #8a8a8a; margin-bottom: .75rem; } td { border: none; } }
</style>
</head>
<body>
<header>
<h1>綠界電子發票模擬器 <span lang="en">ECPay e-invoice sandbox</span></h1>
<p>本機測試環境，並非綠界正式服務。<span lang="en">A local simulator, not ECPay's service.</span> <a href="${CONSOLE_PATH}">重新整理 Refresh</a></p>
</header>
<main>
<h2>已開立發票 <span lang="en">Issued invoices</span>（${invoices.length}）</h2>
${invoices.length === 0 ? '<p>尚無發票。<span lang="en">No invoice yet.</span></p>' : `<table>
<thead><tr><th scope="col">發票號碼 Number / 隨機碼 Random</th><th scope="col">開立時間 Date</th><th scope="col">商店 Merchant / RelateNumber</th><th scope="col">金額 Amount</th><th scope="col">開給 Recipient</th><th scope="col">狀態 Status</th><th scope="col">折讓 Allowances</th></tr></thead>
<tbody>
${invoices.map(row).join('\n')}
</tbody>
</table>`}
</main>
</body>
</html>
`;
}

export function consoleRoutes(control: EinvoiceSandboxControl): Router {
  const router = Router();
  router.get(CONSOLE_PATH, (_req, res) => {
    res
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
      .type('html')
      .send(page(control.invoices().reverse()));
  });
  return router;
}
