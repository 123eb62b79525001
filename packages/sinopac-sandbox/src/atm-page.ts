import { Router } from 'express';
import { formatAmount, html, sendErrorPage, sendPage } from './html';
import type { Lifecycle } from './lifecycle';
import type { OrderBook } from './orders';

export interface AtmPageOptions {
  book: OrderBook;
  lifecycle: Lifecycle;
}

const STATUS_TEXT: Record<string, string> = { '1A200': '待繳款', '1A250': '已逾期', '1A400': '已入帳' };

/** The WebATM and OTP links of an ATM order: the sandbox has no bank to transfer from, so they explain how to pay. */
export function atmPageRoutes(options: AtmPageOptions): Router {
  const router = Router();
  router.get(['/QPay.WebPaySite/Bridge/PayWebATM', '/QPay.WebPaySite/Bridge/PayOTP'], (req, res) => {
    const { TD, TK } = req.query;
    const order = typeof TD === 'string' ? options.book.byTsNo(TD) : undefined;
    if (!order?.atm || order.atm.linkToken !== TK) {
      sendErrorPage(res, 404, '找不到交易', '此繳款連結不存在。');
      return;
    }
    options.lifecycle.refresh(order);
    const atm = order.atm;
    const deadline = `${atm.expireDate.slice(0, 4)}/${atm.expireDate.slice(4, 6)}/${atm.expireDate.slice(6)} 23:59`;
    sendPage(res, 200, 'ATM 轉帳繳款', html`<main class="panel">
<h1>ATM 轉帳繳款</h1>
<dl class="summary">
  <dt>商店代號</dt><dd>${order.shopNo}</dd>
  <dt>訂單編號</dt><dd>${order.orderNo}</dd>
  <dt>銀行代碼</dt><dd>807（永豐銀行）</dd>
  <dt>虛擬帳號</dt><dd id="atm-pay-no">${atm.payNo}</dd>
  <dt>繳款金額</dt><dd class="amount">${formatAmount(order.amount)}</dd>
  <dt>繳款期限</dt><dd>${deadline}</dd>
  <dt>狀態</dt><dd id="atm-status">${STATUS_TEXT[order.payStatus] ?? order.payStatus}</dd>
</dl>
<p class="hint">測試環境沒有真實轉帳：訂單會在數分鐘後自動入帳（訂單編號結尾為 9 者除外），或到 <a href="/console">模擬器主控台</a> 按「立即付款」。</p>
</main>`);
  });
  return router;
}
