import { Router } from 'express';

// Served as files, not inline, so the pages work under a strict Content-Security-Policy.
export const ASSETS = {
  css: '/QPay.WebPaySite/assets/sandbox.css',
  autoSubmit: '/QPay.WebPaySite/assets/auto-submit.js',
} as const;

const AUTO_SUBMIT_JS = `// Sends the shopper back to the shop as soon as the page loads (the button covers no-JS browsers).
(function () {
  var form = document.getElementById('return-form');
  if (form) form.submit();
})();
`;

const CSS = `
:root { --brand: #c8102e; --brand-dark: #9b0c23; --ink: #222; --muted: #666; --line: #e3e3e3; --bg: #f4f4f6; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 16px/1.6 "PingFang TC", "Microsoft JhengHei", "Noto Sans TC", "Heiti TC", system-ui, sans-serif; }
.bank-bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding: .75rem 1.25rem; background: var(--brand); color: #fff; }
.brand { display: flex; align-items: center; gap: .6rem; font-weight: 700; letter-spacing: .05em; }
.brand-mark { display: inline-grid; place-items: center; width: 2.4rem; height: 2.4rem; border-radius: 50%;
  background: #fff; color: var(--brand); font-size: .95rem; }
.sandbox-badge { padding: .15rem .6rem; border: 1px solid #fff; border-radius: 999px; font-size: .8rem; }
.panel { max-width: 34rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border: 1px solid var(--line);
  border-top: 4px solid var(--brand); border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,.05); }
.panel.wide { max-width: 72rem; }
h1 { margin: 0 0 1rem; font-size: 1.35rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.summary { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; margin: 0 0 1.25rem;
  padding: 1rem; background: #fafafa; border: 1px solid var(--line); border-radius: 4px; }
.summary dt { color: var(--muted); }
.summary dd { margin: 0; word-break: break-all; }
/* A sentence, not a key or URL: it wraps between words. */
.summary dd[data-keys] { word-break: normal; overflow-wrap: anywhere; }
.amount { color: var(--brand); font-size: 1.3rem; font-weight: 700; }
label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=password], input:not([type]) { width: 100%; padding: .6rem .7rem; font-size: 1.05rem;
  border: 1px solid #bbb; border-radius: 4px; }
input:focus { outline: 2px solid var(--brand); outline-offset: 1px; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
button, .button { display: inline-block; margin-top: 1.25rem; padding: .7rem 1.4rem; border: 0; border-radius: 4px;
  background: var(--brand); color: #fff; font-size: 1rem; font-weight: 700; cursor: pointer; text-decoration: none; }
button:hover, .button:hover { background: var(--brand-dark); }
.pay-button { width: 100%; }
.small-button { margin: 0 .25rem .25rem 0; padding: .3rem .7rem; min-height: 44px; min-width: 44px; font-size: .85rem; white-space: nowrap; }
.notice { padding: .75rem 1rem; border-radius: 4px; }
.notice-error { background: #fdecee; border: 1px solid #f5b5bf; color: #8a0d20; }
.notice-ok { background: #eaf7ee; border: 1px solid #a9dcb7; color: #1d5e2e; }
.hint { color: var(--muted); font-size: .9rem; }
.test-cards { margin-top: 1.5rem; padding: .75rem 1rem; background: #fffbe6; border: 1px dashed #e0c46c; font-size: .9rem; }
.test-cards code, td code { font-family: ui-monospace, Menlo, Consolas, monospace; }
table { width: 100%; border-collapse: collapse; font-size: .9rem; }
th, td { padding: .45rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #fafafa; white-space: nowrap; }
td form { display: inline; }
.deliveries { margin: 0; padding-left: 1rem; font-size: .8rem; color: var(--muted); }
.bank-footer { margin: 2rem auto; max-width: 40rem; padding: 0 1rem; text-align: center; color: var(--muted); font-size: .8rem; }
@media (max-width: 30rem) { .panel { margin: 0; border-radius: 0; } .row { grid-template-columns: 1fr; } }
/* On a phone the console's orders are cards, one labelled line per column, so nothing is wider
   than the screen. */
@media (max-width: 48rem) {
  .console-orders, .console-orders tbody, .console-orders tr, .console-orders td { display: block; }
  .console-orders thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .console-orders tr { margin-bottom: 1rem; border: 1px solid var(--line); border-radius: 4px; }
  .console-orders td { overflow-wrap: anywhere; }
  .console-orders td::before { content: attr(data-label); display: block; color: var(--muted); font-weight: 600; }
}
`;

export function assetRoutes(): Router {
  const router = Router();
  router.get(ASSETS.css, (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(CSS);
  });
  router.get(ASSETS.autoSubmit, (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=300').send(AUTO_SUBMIT_JS);
  });
  return router;
}
