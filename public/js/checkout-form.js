// The checkout form's helpers. An external file because the CSP allows no inline script.
// 1. When the form comes back with errors, their summary takes the focus, so that a screen reader
//    reads it and a keyboard user starts from it.
// 2. What the shopper typed survives the language switch (a plain link, which reloads the page):
//    it is kept in this tab's sessionStorage while they type, put back into empty fields on the
//    next load, and dropped when the form is sent. sessionStorage lives only as long as the tab.
// 3. The next checkout in this browser starts from the details last sent from it: kept in this
//    browser's localStorage when the form is sent with "remember" ticked (removed when unticked),
//    put into empty fields on a fresh form, with a notice and a button that clears them. They never
//    leave the browser but in the form the shopper sends, so no other browser ever sees them.
//    Of the radio buttons only the groups marked data-remember-radios (the e-invoice choice) are
//    kept: the payment method is chosen afresh each time.
(() => {
  const summary = document.querySelector('.error-summary');
  if (summary) summary.focus();

  const form = document.querySelector('form[data-keep-typed]');
  if (!form || !window.sessionStorage) return;
  const KEY = 'checkout-typed';
  const kept = (element) => element.name && element.name !== '_csrf' && element.name !== 'checkoutToken' && element.type !== 'hidden';
  const rememberedRadio = (element) => element.type === 'radio' && element.closest('[data-remember-radios]') !== null;
  const restored = () => {
    const group = form.querySelector('[data-remember-radios]');
    if (group) group.dispatchEvent(new Event('invoice-choice-restored'));
  };

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

  const LAST = 'checkout-last';
  let store = null;
  try { store = window.localStorage; } catch { store = null; }
  const choice = form.querySelector('[data-remember-choice]');
  const remember = form.querySelector('[data-remember]');
  const notice = form.querySelector('[data-remembered]');
  if (!store || !choice || !remember || !notice) return;
  choice.hidden = false;

  let last = {};
  try { last = JSON.parse(store.getItem(LAST) || '{}'); } catch { last = {}; }
  let filled = false;
  if (!summary) {
    for (const element of form.elements) {
      if (!kept(element) || !(element.name in last)) continue;
      if (rememberedRadio(element)) {
        if (element.value === last[element.name] && !element.checked) { element.checked = true; filled = true; }
      } else if (element.type !== 'radio' && element.value === '') { element.value = last[element.name]; filled = true; }
    }
    restored();
  }
  notice.hidden = !filled;
  notice.querySelector('[data-forget]').addEventListener('click', () => {
    store.removeItem(LAST);
    sessionStorage.removeItem(KEY);
    for (const element of form.elements) {
      if (rememberedRadio(element)) element.checked = element.defaultChecked;
      else if (kept(element) && element.type !== 'radio' && element.name in last && element.value === last[element.name]) element.value = '';
    }
    restored();
    remember.checked = false;
    notice.hidden = true;
    form.querySelector('input[name="name"]').focus();
  });

  form.addEventListener('submit', () => {
    if (!remember.checked) { store.removeItem(LAST); return; }
    const values = {};
    for (const element of form.elements) {
      if (!kept(element)) continue;
      if (rememberedRadio(element)) { if (element.checked) values[element.name] = element.value; }
      else if (element.type !== 'radio') values[element.name] = element.value;
    }
    store.setItem(LAST, JSON.stringify(values));
  });
})();
