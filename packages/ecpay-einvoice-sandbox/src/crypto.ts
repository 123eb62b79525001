// The `Data` member of every request and reply (PROTOCOL.md §Transport and encryption): JSON,
// URL-encoded, AES-128-CBC with the merchant's HashKey and HashIV, Base64.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

export interface EinvoiceMerchant {
  merchantId: string;
  hashKey: string;
  hashIV: string;
}

/** PHP's `urlencode`, as ECPay's own SDK applies it: only `[A-Za-z0-9_.-]` stay raw, space becomes `+`, hex is uppercase. */
export function phpUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

const HEX_ESCAPE = /^%[0-9A-Fa-f]{2}/;

/**
 * Form decoding that accepts every encoding clients are seen sending: either hex case, `+` for a
 * space, and characters left raw (UTF-8 text, a `%` not followed by two hex digits).
 */
export function formDecode(text: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; ) {
    if (HEX_ESCAPE.test(text.slice(i, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
      continue;
    }
    const codePoint = text.codePointAt(i)!;
    const ch = String.fromCodePoint(codePoint);
    bytes.push(...encoder.encode(ch === '+' ? ' ' : ch));
    i += ch.length;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
}

function keyAndIv(merchant: EinvoiceMerchant): [Buffer, Buffer] {
  return [Buffer.from(merchant.hashKey, 'utf8'), Buffer.from(merchant.hashIV, 'utf8')];
}

/** Base64(AES-128-CBC(text)). */
export function encryptText(text: string, merchant: EinvoiceMerchant): string {
  const cipher = createCipheriv('aes-128-cbc', ...keyAndIv(merchant));
  return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}

/** The inverse of encryptText; throws when the key does not fit or the padding is wrong. */
export function decryptText(base64: string, merchant: EinvoiceMerchant): string {
  const decipher = createDecipheriv('aes-128-cbc', ...keyAndIv(merchant));
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).toString('utf8');
}

/** A reply's or request's `Data` from its object: compact JSON, PHP-urlencoded, encrypted. */
export function encryptData(data: unknown, merchant: EinvoiceMerchant): string {
  return encryptText(phpUrlEncode(JSON.stringify(data)), merchant);
}

/** The object inside a `Data`; throws on a wrong key, broken percent-encoding or JSON. */
export function decryptData(base64: string, merchant: EinvoiceMerchant): unknown {
  return JSON.parse(formDecode(decryptText(base64, merchant)));
}

/** ECPay's URL encoding for CheckMacValue: .NET's HttpUtility.UrlEncode, lowercase, with `-_.!*()` left raw. */
function macEncode(text: string): string {
  return phpUrlEncode(text).toLowerCase().replace(/%(2d|5f|2e|21|2a|28|29)/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * CheckMacValue of the online allowance's callback (PROTOCOL.md): parameters sorted by name,
 * between HashKey and HashIV, ECPay-URL-encoded, lowercased, MD5, uppercase hex.
 */
export function checkMacValue(params: Record<string, string>, merchant: EinvoiceMerchant): string {
  const names = Object.keys(params).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const text = `HashKey=${merchant.hashKey}&${names.map((name) => `${name}=${params[name]}`).join('&')}&HashIV=${merchant.hashIV}`;
  return createHash('md5').update(macEncode(text)).digest('hex').toUpperCase();
}
