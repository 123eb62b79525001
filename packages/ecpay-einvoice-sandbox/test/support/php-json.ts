// Serialises a value as PHP's json_encode does with its default flags (as ECPay's PHP SDK sends it):
// "/" as "\/" and every non-ASCII character as \uXXXX.
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff/]/g, (ch) => (ch === '/' ? '\\/' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
