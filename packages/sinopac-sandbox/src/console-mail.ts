// The sandbox console's "Mail" page: what the mail catcher (mail-catcher.ts) received, newest first,
// so a developer can read the shop's e-mails without a mail server.
import { Router } from 'express';
import { CONSOLE_PATH } from './console';
import { html, sendErrorPage, sendPage } from './html';
import type { CaughtMail, Mailbox } from './mail-catcher';
import { taipeiMinute } from './taipei-time';

export const CONSOLE_MAIL_PATH = `${CONSOLE_PATH}/mail`;

// A caught HTML mail is shown as it is, on a page of its own that may run nothing and load nothing.
const MAIL_HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const minute = (date: Date) => taipeiMinute(date).replace(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/, '$1/$2/$3 $4:$5');

function mailRow(mail: CaughtMail) {
  return html`<tr data-mail-id="${mail.id}">
  <td>${mail.id}</td>
  <td>${minute(mail.receivedAt)}</td>
  <td>${mail.envelopeTo.join(', ')}</td>
  <td><a href="${CONSOLE_MAIL_PATH}/${mail.id}">${mail.subject || '（無主旨）'}</a></td>
</tr>`;
}

export function consoleMailRoutes(mailbox: Mailbox): Router {
  const router = Router();
  const find = (id: string) => mailbox.mails().find((mail) => String(mail.id) === id);

  router.get(CONSOLE_MAIL_PATH, (_req, res) => {
    const mails = [...mailbox.mails()].reverse();
    sendPage(res, 200, '收到的郵件', html`<main class="panel wide">
<h1>收到的郵件（${mails.length}）</h1>
<p class="hint">商店寄出的郵件都在這裡，不會寄到真正的信箱。<a href="${CONSOLE_MAIL_PATH}">重新整理</a> · <a href="${CONSOLE_PATH}">回到主控台</a></p>
${mails.length === 0 ? html`<p>尚無郵件。</p>` : html`<table>
<thead><tr><th>#</th><th>收到時間</th><th>收件人</th><th>主旨</th></tr></thead>
<tbody>${mails.map(mailRow)}</tbody>
</table>`}
</main>`);
  });

  router.get(`${CONSOLE_MAIL_PATH}/:id`, (req, res) => {
    const mail = find(req.params.id);
    if (!mail) return sendErrorPage(res, 404, '找不到郵件', `沒有第 ${req.params.id} 封郵件。`);
    sendPage(res, 200, mail.subject, html`<main class="panel wide">
<h1>${mail.subject}</h1>
<dl>
  <dt>寄件人</dt><dd>${mail.from}</dd>
  <dt>收件人</dt><dd>${mail.to}</dd>
  <dt>Message-ID</dt><dd><code>${mail.messageId ?? '—'}</code></dd>
</dl>
${mail.html ? html`<p><a href="${CONSOLE_MAIL_PATH}/${mail.id}/html">以 HTML 檢視</a></p>` : ''}
<pre class="mail-text" data-testid="mail-text">${mail.text}</pre>
<p><a href="${CONSOLE_MAIL_PATH}">回到郵件列表</a></p>
</main>`);
  });

  router.get(`${CONSOLE_MAIL_PATH}/:id/html`, (req, res) => {
    const mail = find(req.params.id);
    if (!mail?.html) return sendErrorPage(res, 404, '找不到郵件', `第 ${req.params.id} 封郵件沒有 HTML 內容。`);
    res.status(200).set('Content-Security-Policy', MAIL_HTML_POLICY).type('html').send(mail.html);
  });

  return router;
}
