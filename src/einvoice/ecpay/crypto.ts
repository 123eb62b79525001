// ECPay's B2C e-invoice envelope crypto (docs/einvoice.md, "ECPay's API as the shop uses it"): the business JSON,
// URL-encoded as PHP's urlencode does, AES-128-CBC with the merchant's HashKey and HashIV, Base64.
// Pure functions: no I/O, no configuration.
import { createCipheriv, createDecipheriv } from 'node:crypto';

export interface EcpayKeys {
  hashKey: string;
  hashIV: string;
}

/** A key, IV or ciphertext that cannot be used. Its message never holds the key itself. */
export class EcpayCryptoError extends Error {
  override name = 'EcpayCryptoError';
}

function keyBytes(name: string, value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length !== 16) throw new EcpayCryptoError(`${name} must be 16 bytes (ECPay issues 16 letters and digits)`);
  return bytes;
}

/**
 * PHP's urlencode, which the official SDK applies: letters, digits and `_.-` stay, a space becomes
 * `+`, every other byte of the UTF-8 is `%XX` in upper case (so a literal `+` travels as `%2B`).
 */
export function phpUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f || byte === 0x2e || byte === 0x2d) {
      out += String.fromCharCode(byte);
    } else if (byte === 0x20) {
      out += '+';
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Form decoding: `+` is a space and `%xx` in either case a byte, as ECPay's answers need (their dates carry `+`). */
function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

export function encryptText(keys: EcpayKeys, plaintext: string): string {
  const cipher = createCipheriv('aes-128-cbc', keyBytes('HashKey', keys.hashKey), keyBytes('HashIV', keys.hashIV));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decryptText(keys: EcpayKeys, base64: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new EcpayCryptoError('the Data is not Base64');
  const decipher = createDecipheriv('aes-128-cbc', keyBytes('HashKey', keys.hashKey), keyBytes('HashIV', keys.hashIV));
  try {
    return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new EcpayCryptoError('the Data does not decrypt with this merchant\'s key and IV');
  }
}

/** A request's `Data`: compact JSON (raw UTF-8), PHP-urlencoded, encrypted. */
export function encryptData(keys: EcpayKeys, data: Record<string, unknown>): string {
  return encryptText(keys, phpUrlEncode(JSON.stringify(data)));
}

/** An answer's `Data` back to the object it carries. */
export function decryptData(keys: EcpayKeys, base64: string): unknown {
  const text = decryptText(keys, base64);
  try {
    return JSON.parse(formDecode(text));
  } catch {
    throw new EcpayCryptoError('the Data decrypts to something that is not URL-encoded JSON');
  }
}
