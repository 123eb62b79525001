import express, { Router, type Request, type Response } from 'express';
import { ASSETS } from './assets';
import { formatAmount, html, sendErrorPage, sendPage } from './html';
import type { Lifecycle } from './lifecycle';
import type { Order, OrderBook, PaymentResult } from './orders';
import { taipeiMinute } from './taipei-time';
import { checkCard } from './test-cards';

const CARD_PAGE_PATH = '/QPay.WebPaySite/Bridge/PayCard';

export interface CardPageOptions {
  book: OrderBook;
  lifecycle: Lifecycle;
  clock: () => Date;
}

const hhmm = (date: Date) => taipeiMinute(date).replace(/^\d{8}(\d{2})(\d{2})$/, '$1:$2');

function cardForm(order: Order, error?: string) {
  const card = order.card!;
  const action = `PayCard?TD=${encodeURIComponent(order.tsNo)}&TK=${encodeURIComponent(card.linkToken)}`;
  return html`<main class="panel">
<h1>信用卡付款</h1>
<dl class="summary">
  <dt>商店代號</dt><dd>${order.shopNo}</dd>
  <dt>訂單編號</dt><dd id="order-no">${order.orderNo}</dd>
  <dt>商品名稱</dt><dd>${order.prdtName}</dd>
  <dt>付款金額</dt><dd class="amount" id="amount">${formatAmount(order.amount)}</dd>
</dl>
<form method="post" action="${action}" autocomplete="off" novalidate>
  ${error ? html`<p class="notice notice-error" role="alert" id="card-error">${error}</p>` : ''}
  <label for="CardNo">信用卡卡號</label>
  <input id="CardNo" name="CardNo" inputmode="numeric" autocomplete="cc-number" maxlength="23" placeholder="0000 0000 0000 0000" required>
  <div class="row">
    <div>
      <label for="CardExpiry">有效期限（月/年）</label>
      <input id="CardExpiry" name="CardExpiry" inputmode="numeric" autocomplete="cc-exp" maxlength="5" placeholder="MM/YY" required>
    </div>
    <div>
      <label for="CardCVV">背面末三碼</label>
      <input id="CardCVV" name="CardCVV" type="password" inputmode="numeric" autocomplete="cc-csc" maxlength="3" placeholder="CVV" required>
    </div>
  </div>
  <button type="submit" id="PayButton" class="pay-button">確認付款 ${formatAmount(order.amount)}</button>
  <p class="hint">此付款連結將於 ${hhmm(card.linkExpiresAt)}（台北時間）失效。</p>
</form>
<aside class="test-cards">
  <strong>測試卡</strong><br>
  核准：<code>4999-3700-0002-3145</code>，有效期限 <code>12/30</code>，末三碼 <code>880</code><br>
  拒絕：<code>4000-0000-0000-0002</code>，任一未過期的有效期限與三位數末三碼
</aside>
</main>`;
}

/** The page that carries the shopper back: a form POSTing ShopNo and PayToken to the ReturnURL (§5.2). */
function returnPage(order: Order, result: PaymentResult) {
  const approved = result.status === 'S';
  return html`<main class="panel">
<h1>${approved ? '授權成功' : '授權失敗'}</h1>
<p class="notice ${approved ? 'notice-ok' : 'notice-error'}" id="result">${approved ? '交易已完成，正在返回商店…' : '信用卡授權失敗，正在返回商店…'}</p>
<form id="return-form" method="post" action="${order.returnUrl}">
  <input type="hidden" name="ShopNo" value="${order.shopNo}">
  <input type="hidden" name="PayToken" value="${result.payToken}">
  <button type="submit">返回商店</button>
</form>
</main>
<script src="${ASSETS.autoSubmit}" defer></script>`;
}

/**
 * The way back from a link that can no longer pay: the last result's PayToken POSTed to the
 * ReturnURL as after a payment (§5.2), so that the shop shows that result; without one, the shop's
 * home page (the ReturnURL's origin).
 */
function backToShop(order: Order) {
  const last = order.results.at(-1);
  if (!last) return html`<p><a class="button" href="${new URL(order.returnUrl).origin}/" data-testid="back-to-shop">返回商店</a></p>`;
  return html`<form method="post" action="${order.returnUrl}">
  <input type="hidden" name="ShopNo" value="${order.shopNo}">
  <input type="hidden" name="PayToken" value="${last.payToken}">
  <button type="submit" data-testid="back-to-shop">返回商店查看付款結果</button>
</form>`;
}

export function cardPageRoutes(options: CardPageOptions): Router {
  const router = Router();

  /** The order behind a usable link, or undefined after answering with the matching error page. */
  function openLink(req: Request, res: Response): Order | undefined {
    const { TD, TK } = req.query;
    const order = typeof TD === 'string' ? options.book.byTsNo(TD) : undefined;
    if (!order?.card || order.card.linkToken !== TK) {
      sendErrorPage(res, 404, '找不到交易', '此付款連結不存在，請回到商店重新付款。');
      return undefined;
    }
    options.lifecycle.refresh(order);
    if (order.payStatus === '1C250') {
      sendErrorPage(res, 410, '付款連結已逾時', '此付款連結已超過有效時間，請回到商店重新付款。', backToShop(order));
      return undefined;
    }
    if (order.card.linkUsed || order.payStatus !== '1C200') {
      sendErrorPage(res, 409, '交易已處理', '此筆交易已處理，請回到商店查看付款結果。', backToShop(order));
      return undefined;
    }
    return order;
  }

  router.get(CARD_PAGE_PATH, (req, res) => {
    const order = openLink(req, res);
    if (order) sendPage(res, 200, '信用卡付款', cardForm(order));
  });

  router.post(CARD_PAGE_PATH, express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const order = openLink(req, res);
    if (!order) return;
    const form = (req.body ?? {}) as Record<string, unknown>;
    const field = (name: string) => (typeof form[name] === 'string' ? form[name] : '');
    const check = checkCard({ number: field('CardNo'), expiry: field('CardExpiry'), cvv: field('CardCVV') }, options.clock());
    if (!check.ok) {
      sendPage(res, 422, '信用卡付款', cardForm(order, check.message));
      return;
    }
    const result = options.lifecycle.chargeCard(order, check.charge);
    sendPage(res, 200, result.status === 'S' ? '授權成功' : '授權失敗', returnPage(order, result));
  });

  return router;
}
