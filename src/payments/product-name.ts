// PrdtName for OrderCreate: what the shopper sees on the bank's page. The bank counts its 60-byte
// limit in UTF-8 bytes (a Chinese character takes 3) and refuses ', " and % (PROTOCOL.md §4).
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

/** "名稱 x2, 名稱" cut to the bank's limit; `fallback` (the order number) when no line has a usable name. */
export function productNameForBank(lines: readonly NamedLine[], fallback: string): string {
  const listed = lines
    .map((line) => ({ name: clean(line.name), quantity: line.quantity }))
    .filter((line) => line.name !== '')
    .map((line) => (line.quantity > 1 ? `${line.name} x${line.quantity}` : line.name))
    .join(', ');
  return fitBytes(listed || clean(fallback), MAX_BYTES);
}
