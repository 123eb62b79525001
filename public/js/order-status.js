// Live order status without reloading by hand: an element with data-status-url and
// data-status-state makes this poll the shop's JSON status, waiting longer after each answer (2 s,
// then 1.5 times more, up to 30 s), and reload the page once the state differs. With
// data-status-limit-seconds it stops at that limit and shows the [data-when-overdue] elements
// instead of the [data-while-waiting] ones. An external file because the CSP allows no inline script.
(() => {
  const root = document.querySelector('[data-status-url]');
  if (!root) return;
  const url = root.dataset.statusUrl;
  const shown = root.dataset.statusState;
  const limitMs = Number(root.dataset.statusLimitSeconds || 0) * 1000;
  const started = Date.now();
  let delay = 2000;

  function overdue() {
    document.querySelectorAll('[data-while-waiting]').forEach((element) => { element.hidden = true; });
    document.querySelectorAll('[data-when-overdue]').forEach((element) => { element.hidden = false; });
  }

  async function poll() {
    if (limitMs && Date.now() - started >= limitMs) return overdue();
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin' });
      if (response.ok && (await response.json()).state !== shown) return window.location.reload();
    } catch {
      // Offline for a moment: the next try may work.
    }
    delay = Math.min(delay * 1.5, 30_000);
    setTimeout(poll, limitMs ? Math.min(delay, Math.max(0, started + limitMs - Date.now())) : delay);
  }

  setTimeout(poll, delay);
})();
