// The checkout's e-invoice choice: only the chosen recipient's fields are shown (the server reads
// only those), and the donation code box only for "another donation code". Without script every
// field is shown, and the form works the same.
(() => {
  const choice = document.querySelector('[data-invoice-choice]');
  if (!choice) return;
  const groups = choice.querySelectorAll('[data-invoice-fields]');
  const otherCode = choice.querySelector('[data-invoice-other-code]');

  const show = () => {
    const recipient = choice.querySelector('input[name="invoiceRecipient"]:checked');
    for (const group of groups) group.hidden = !recipient || group.dataset.invoiceFields !== recipient.value;
    const charity = choice.querySelector('input[name="invoiceCharity"]:checked');
    if (otherCode) otherCode.hidden = !charity || charity.value !== 'other';
  };
  show();
  choice.addEventListener('change', show);
  // checkout-form.js puts a remembered choice back before this runs, and says so when it forgets one.
  choice.addEventListener('invoice-choice-restored', show);
})();
