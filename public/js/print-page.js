// The packing slips' print button: the browser's own print dialog (A4, see packing-slip.css).
document.getElementById('print-slips')?.addEventListener('click', () => window.print());
