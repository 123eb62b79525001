import { Router, type Request } from 'express';
import { BANK_API_BASE_PATH } from './api-routes';
import { BankError } from './codes';
import { ControlError, type OrderView, type SandboxControl } from './control';
import { CONTROL_API_PREFIX } from './control-api';
import { formatAmount, html, sendPage } from './html';
import { OPENAPI_PATH } from './openapi';
import type { SandboxShop } from './options';
import { AmbiguousOrderError, isNotified, UnknownOrderError } from './orders';
import { taipeiMinute } from './taipei-time';
import { TEST_CARDS } from './test-cards';

export const CONSOLE_PATH = '/console';

const PAY_STATUS_TEXT: Record<OrderView['payStatus'], string> = {
  '1A200': '待繳款', '1A250': '已逾期', '1A400': '已入帳',
  '1C200': '待付款', '1C250': '連結逾時', '1C300': '已授權未請款', '1C350': '授權逾期',
  '1C351': '已取消授權', '1C400': '已請款',
};

const ACTIONS = {
  pay: '立即付款',
  expire: '使其逾期',
  notify: '重送通知',
} as const;
type Action = keyof typeof ACTIONS;

const minute = (iso: string) => taipeiMinute(new Date(iso)).replace(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1/$2/$3 $4:$5');

function availableActions(order: OrderView): Action[] {
  const actions: Action[] = [];
  if (order.payStatus === '1A200') actions.push('pay');
  if (order.payStatus === '1A200' || order.payStatus === '1C200') actions.push('expire');
  if (order.backendUrl && order.payments.some(isNotified)) actions.push('notify');
  return actions;
}

function orderRow(order: OrderView) {
  const base = `${CONSOLE_PATH}/orders/${encodeURIComponent(order.shopNo)}/${encodeURIComponent(order.orderNo)}`;
  return html`<tr data-order-no="${order.orderNo}">
  <td data-label="商店">${order.shopNo}</td>
  <td data-label="訂單編號"><code>${order.orderNo}</code><br><small>${order.tsNo}</small></td>
  <td data-label="方式">${order.payType === 'A' ? 'ATM' : '信用卡'}</td>
  <td data-label="金額">${formatAmount(order.amount)}</td>
  <td data-label="PayStatus" class="pay-status"><code>${order.payStatus}</code> ${PAY_STATUS_TEXT[order.payStatus]}${order.refunds.length > 0 ? html`<br><small>已退款 ${order.refunds.length} 筆</small>` : ''}</td>
  <td data-label="建立時間">${minute(order.createdAt)}</td>
  <td data-label="通知">${order.notifications.length === 0 ? '—' : order.notifications.map((n) => html`<div>#${n.id} ${n.state}（${n.attempts} 次）
    <ul class="deliveries">${n.deliveries.map((d) => html`<li>第 ${d.attempt} 次${d.copy > 0 ? `（副本 ${d.copy}）` : ''}：${d.outcome}${d.statusCode ? ` HTTP ${d.statusCode}` : ''}${d.error ? ` ${d.error}` : ''}</li>`)}</ul></div>`)}</td>
  <td data-label="操作">${availableActions(order).map((action) => html`<form method="post" action="${base}/${action}"><button type="submit" class="small-button" data-action="${action}">${ACTIONS[action]}</button></form>`)}</td>
</tr>`;
}

export interface ConsoleOptions {
  /** The shops the sandbox serves, with their keys: shown in full only when the shop says so (showKeys). */
  shops: readonly SandboxShop[];
  /** Origin clients reach the sandbox at; defaults to the Host the console was opened on. */
  publicOrigin?: string | undefined;
  mailPath?: string;
  mailCount?: () => number;
}

const cardNumber = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1-');

// Keys given to the sandbox may be a real shop's (a developer's .env), and a page must never carry those.
const masked = (key: string) => `${key.slice(0, 2)}…`;
const KEYS_SHOWN = html`模擬器的測試金鑰，只在本模擬器有效。<br><span lang="en">Sandbox keys, valid only against this sandbox.</span>`;
const KEYS_MASKED = html`這是你設定的金鑰，為了安全只顯示前兩碼；請從你的設定檔或環境變數取得完整金鑰。<br><span lang="en">These are the keys you configured: only their first two characters are shown, to keep them off this page; take them from your configuration file or environment.</span>`;

/** How to point a client at the sandbox, in zh-TW and English: the API URL, each shop's keys, the control API. */
function connectSection(origin: string, shops: readonly SandboxShop[]) {
  return html`<section aria-labelledby="connect-heading" data-testid="console-connect">
<h2 id="connect-heading">連接你的程式 <span lang="en">· Connect your client</span></h2>
<p>將 SinoPac 用戶端的 API 網址設為下列網址，並填入商店代號與四組雜湊金鑰。<br>
<span lang="en">Set your SinoPac client's API base URL to the URL below, with a shop's ShopNo and its four hash keys.</span></p>
<dl class="summary">
  <dt>API 網址<br><span lang="en">API base URL</span></dt><dd><code data-testid="api-url">${origin}${BANK_API_BASE_PATH}</code></dd>
  <dt>控制 API<br><span lang="en">Control API</span></dt><dd><code>${origin}${CONTROL_API_PREFIX}</code>：<a href="${OPENAPI_PATH}">OpenAPI 文件 <span lang="en">(OpenAPI document)</span></a></dd>
  <dt>測試卡<br><span lang="en">Test cards</span></dt><dd>${TEST_CARDS.map((card) => html`<code>${cardNumber(card.number)}</code> ${card.expiry ?? 'MM/YY'} ${card.cvv ?? '123'}：${card.outcome === 'approved' ? '核准' : '拒絕'} <span lang="en">${card.outcome}</span><br>`)}</dd>
</dl>
${shops.map((shop) => html`<dl class="summary" data-shop-no="${shop.shopNo}">
  <dt>商店代號<br><span lang="en">ShopNo</span></dt><dd><code>${shop.shopNo}</code></dd>
  ${(['A1', 'A2', 'B1', 'B2'] as const).map((key) => html`<dt>雜湊金鑰 ${key}<br><span lang="en">Hash key ${key}</span></dt><dd><code>${shop.showKeys ? shop.hashKeys[key] : masked(shop.hashKeys[key])}</code></dd>`)}
  <dt>金鑰來源<br><span lang="en">About the keys</span></dt><dd data-keys="${shop.showKeys ? 'shown' : 'masked'}">${shop.showKeys ? KEYS_SHOWN : KEYS_MASKED}</dd>
  <dt>X-KeyID</dt><dd>${shop.keyId ? html`<code>${shop.keyId}</code>（每次呼叫 Nonce 與 Order 都須帶入 <span lang="en">— send it on every Nonce and Order call</span>）` : html`不需要 <span lang="en">not required</span>`}</dd>
</dl>`)}
</section>`;
}

const originOf = (req: Request, publicOrigin: string | undefined) => publicOrigin ?? `${req.protocol}://${req.get('host')}`;

/** The sandbox console: how to connect, every order, its notifications, and buttons to pay, expire and re-notify. */
export function consoleRoutes(control: SandboxControl, options: ConsoleOptions): Router {
  const router = Router();

  router.get(CONSOLE_PATH, (req, res) => {
    const { notice, error } = req.query;
    const orders = control.orders().reverse();
    const faults = control.faults();
    sendPage(res, 200, '模擬器主控台', html`<main class="panel wide">
<h1>SinoPac 模擬器主控台</h1>
${typeof notice === 'string' ? html`<p class="notice notice-ok" role="status">${notice}</p>` : ''}
${typeof error === 'string' ? html`<p class="notice notice-error" role="alert">${error}</p>` : ''}
${options.mailPath ? html`<p class="hint"><a href="${options.mailPath}" data-testid="console-mail-link">收到的郵件（${options.mailCount?.() ?? 0}）</a>：商店寄出的郵件</p>` : ''}
<p class="hint">全域故障注入：<code>${Object.keys(faults).length > 0 ? JSON.stringify(faults) : '無'}</code>（以 <code>PUT /__sandbox/faults</code> 設定）。<a href="${CONSOLE_PATH}">重新整理</a></p>
${connectSection(originOf(req, options.publicOrigin), options.shops)}
<h2>訂單（${orders.length}）</h2>
${orders.length === 0 ? html`<p>尚無訂單。</p>` : html`<table class="console-orders">
<thead><tr><th>商店</th><th>訂單編號</th><th>方式</th><th>金額</th><th>PayStatus</th><th>建立時間</th><th>通知</th><th>操作</th></tr></thead>
<tbody>${orders.map(orderRow)}</tbody>
</table>`}
</main>`);
  });

  router.post(`${CONSOLE_PATH}/orders/:shopNo/:orderNo/:action`, (req, res) => {
    const ref = { shopNo: String(req.params.shopNo), orderNo: String(req.params.orderNo) };
    const action = String(req.params.action);
    let outcome: string;
    try {
      if (action === 'pay') control.pay(ref);
      else if (action === 'expire') control.expire(ref);
      else if (action === 'notify') control.resendNotification(ref);
      else throw new ControlError(404, `unknown action ${action}`);
      outcome = `notice=${encodeURIComponent(`${ref.orderNo}：${ACTIONS[action]}完成`)}`;
    } catch (error) {
      const known = [BankError, ControlError, UnknownOrderError, AmbiguousOrderError].some((type) => error instanceof type);
      if (!known) throw error;
      outcome = `error=${encodeURIComponent(`${ref.orderNo}：${(error as Error).message}`)}`;
    }
    res.redirect(303, `${CONSOLE_PATH}?${outcome}`);
  });

  return router;
}
