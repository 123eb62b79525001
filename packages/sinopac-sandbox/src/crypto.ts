// The bank's side of the QPay message crypto (docs/sinopac-protocol.md §2–§3): the HashID from a
// shop's four keys, the IV from a nonce, the Sign, and AES-256-CBC. The sandbox has its own
// implementation, written from the specification and checked against published vectors
// (test/crypto.test.ts), and shares none with any client: a sandbox that used the client's crypto
// would agree with the client's mistakes and could never catch them.
import { isUtf8 } from 'node:buffer';
import { createCipheriv, createDecipheriv, hash } from 'node:crypto';

export interface HashKeys {
  A1: string;
  A2: string;
  B1: string;
  B2: string;
}

/** A key, nonce or ciphertext the sandbox cannot use. Its message never repeats a secret. */
export class CryptoInputError extends Error {
  override name = 'CryptoInputError';
}

/** Eight bytes from a key as the bank hands it out: 16 hex digits, either case; dashes (GUID-like keys) are skipped. */
function keyHalf(name: keyof HashKeys, text: string): Buffer {
  const digits = text.split('-').join('').substring(0, 16);
  if (digits.length !== 16 || !/^[0-9A-Fa-f]+$/.test(digits)) {
    throw new CryptoInputError(`hash key ${name} is not 16 hexadecimal digits`);
  }
  return Buffer.from(digits, 'hex');
}

/** A1⊕A2 then B1⊕B2, byte by byte, as 32 upper-case hex characters with every leading zero kept (§2.1). */
export function deriveHashId(keys: HashKeys): string {
  const pairs: Array<[keyof HashKeys, keyof HashKeys]> = [['A1', 'A2'], ['B1', 'B2']];
  return pairs
    .map(([left, right]) => {
      const a = keyHalf(left, keys[left]);
      const b = keyHalf(right, keys[right]);
      return Buffer.from(a.map((byte, index) => byte ^ b[index]!)).toString('hex');
    })
    .join('')
    .toUpperCase();
}

// UTF-8 bytes in, upper-case hex out; one-shot, as the sandbox hashes on every call it answers.
function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex').toUpperCase();
}

/** The 16 ASCII characters that end the nonce's upper-case SHA-256 hex; not hex-decoded (§2.2). */
export function ivOf(nonce: string): string {
  return sha256Hex(nonce).slice(48);
}

/**
 * The signed text of a message (§3), by the bank's .NET rule: top-level scalars only, null, empty
 * and whitespace-only strings left out, 0 kept, names ordered ignoring case, raw `name=value` joined by `&`.
 */
export function signedText(message: Record<string, unknown>): string {
  const kept = Object.entries(message).filter(([, value]) => {
    if (value === null || value === undefined || typeof value === 'object' || typeof value === 'function') return false;
    return typeof value !== 'string' || value.trim().length > 0;
  });
  kept.sort(([left], [right]) => {
    const a = left.toUpperCase();
    const b = right.toUpperCase();
    if (a !== b) return a < b ? -1 : 1;
    return left < right ? -1 : left > right ? 1 : 0;
  });
  return kept.map(([name, value]) => `${name}=${String(value)}`).join('&');
}

export function signOf(message: Record<string, unknown>, nonce: string, hashId: string): string {
  return sha256Hex(signedText(message) + nonce + hashId);
}

/** Key and IV are the ASCII bytes of the HashID and IV texts, not their hex decoding (§2.3). */
function aesParameters(hashId: string, iv: string): [Buffer, Buffer] {
  const key = Buffer.from(hashId, 'latin1');
  const ivBytes = Buffer.from(iv, 'latin1');
  if (key.length !== 32) throw new CryptoInputError('the HashID is not 32 characters');
  if (ivBytes.length !== 16) throw new CryptoInputError('the IV is not 16 characters');
  return [key, ivBytes];
}

/** An answer's Message: AES-256-CBC with PKCS#7 over the UTF-8 text, as upper-case hex. */
export function seal(plaintext: string, hashId: string, iv: string): string {
  const cipher = createCipheriv('aes-256-cbc', ...aesParameters(hashId, iv));
  return Buffer.concat([cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final()]).toString('hex').toUpperCase();
}

/** A request's Message back to its UTF-8 text; anything else (not hex blocks, wrong key, bad padding) is refused. */
export function unseal(hex: string, hashId: string, iv: string): string {
  if (!/^(?:[0-9A-Fa-f]{32})+$/.test(hex)) throw new CryptoInputError('the Message is not hex-encoded AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', ...aesParameters(hashId, iv));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(Buffer.from(hex, 'hex')), decipher.final()]);
  } catch {
    throw new CryptoInputError('the Message does not decrypt with this shop\'s HashID and the nonce\'s IV');
  }
  if (!isUtf8(plain)) throw new CryptoInputError('the Message did not decrypt to UTF-8 text');
  return plain.toString('utf8');
}
