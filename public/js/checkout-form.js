// The checkout form's helpers. An external file because the CSP allows no inline script.
// 1. When the form comes back with errors, their summary takes the focus, so that a screen reader
//    reads it and a keyboard user starts from it.
// 2. What the shopper typed survives the language switch (a plain link, which reloads the page):
//    it is kept in this tab's sessionStorage while they type, put back into empty fields on the
//    next load, and dropped when the form is sent. sessionStorage lives only as long as the tab.
(() => {
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  const form = document.querySelector('form[data-keep-typed]');
  if (!form || !window.sessionStorage) return;
  const KEY = 'checkout-typed';
  const kept = (element) => element.name && element.name !== '_csrf' && element.name !== 'checkoutToken' && element.type !== 'hidden';

  let saved = {};
  try { saved = JSON.parse(sessionStorage.getItem(KEY) || '{}'); } catch { saved = {}; }
  // Values the server sent back (after an error) win over what was kept.
  if (!summary) {
    for (const element of form.elements) {
      if (!kept(element) || !(element.name in saved)) continue;
      if (element.type === 'radio') element.checked = element.value === saved[element.name];
      else if (element.value === '') element.value = saved[element.name];
    }
  }

  const save = () => {
    const values = {};
    for (const element of form.elements) {
      if (!kept(element) || (element.type === 'radio' && !element.checked)) continue;
      values[element.name] = element.value;
    }
    sessionStorage.setItem(KEY, JSON.stringify(values));
  };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  form.addEventListener('submit', () => sessionStorage.removeItem(KEY));
})();
