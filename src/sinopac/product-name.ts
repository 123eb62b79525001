// PrdtName for OrderCreate: what the shopper sees on the bank's page besides the amount. The bank counts its 60-byte
// limit in UTF-8 bytes (a Chinese character takes 3) and refuses ', " and % (docs/sinopac-protocol.md §4).
const MAX_BYTES = 60;
const ELLIPSIS = '…';

export interface NamedLine {
  name: string;
  quantity: number;
}

function clean(text: string): string {
  return text.replace(/['"%]/g, '').replace(/[\p{Cc}\s]+/gu, ' ').trim();
}

function fitBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(ELLIPSIS, 'utf8');
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char, 'utf8') > room) break;
    out += char;
  }
  return `${out.trimEnd()}${ELLIPSIS}`;
}

/**
 * The shop's order number, then "名稱 x2, 名稱", cut to the bank's limit. The bank's card page shows
 * its own number for the attempt (our SinoPac OrderNo, which the shopper never sees elsewhere) and
 * PrdtName, the only field of OrderCreate it shows (docs/sinopac-protocol.md §4): so the number the shopper
 * knows comes first there, never cut, and the items fill what room is left.
 */
export function productNameForBank(lines: readonly NamedLine[], orderNumber: string): string {
  const number = clean(orderNumber);
  const listed = lines
    .map((line) => ({ name: clean(line.name), quantity: line.quantity }))
    .filter((line) => line.name !== '')
    .map((line) => (line.quantity > 1 ? `${line.name} x${line.quantity}` : line.name))
    .join(', ');
  if (listed === '') return fitBytes(number, MAX_BYTES);
  return `${number} ${fitBytes(listed, MAX_BYTES - Buffer.byteLength(number, 'utf8') - 1)}`;
}
