// The e-invoice envelope's crypto against the vectors of ECPay's specification (copied into
// tests/fixtures/ecpay-einvoice-vectors.json): ECPay's two official ciphertexts, one per hex case of
// the URL encoding, and the computed V-A, V-B and V-C.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decryptData, decryptText, EcpayCryptoError, encryptData, encryptText, phpUrlEncode } from '../../src/einvoice/ecpay/crypto';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/ecpay-einvoice-vectors.json', import.meta.url), 'utf8')) as {
  stageKeys: { hashKey: string; hashIV: string };
  officialPlaintext: string;
  officialUppercase: { encoded: string; base64: string };
  officialLowercase: { encoded: string; base64: string };
  vA: { json: string; base64: string };
  vB: { json: string; base64Length: number; base64Sha256: string; encodedFragments: string[] };
  vC: { base64: string; decoded: Record<string, unknown> };
};
const keys = vectors.stageKeys;

describe('ECPay e-invoice crypto', () => {
  it('URL-encodes as PHP does and reproduces the official uppercase ciphertext', () => {
    expect(phpUrlEncode(vectors.officialPlaintext)).toBe(vectors.officialUppercase.encoded);
    expect(encryptText(keys, vectors.officialUppercase.encoded)).toBe(vectors.officialUppercase.base64);
    expect(encryptData(keys, JSON.parse(vectors.officialPlaintext))).toBe(vectors.officialUppercase.base64);
  });

  it('reproduces the official lowercase ciphertext, and reads both cases back to the same object', () => {
    expect(encryptText(keys, vectors.officialLowercase.encoded)).toBe(vectors.officialLowercase.base64);
    expect(decryptText(keys, vectors.officialLowercase.base64)).toBe(vectors.officialLowercase.encoded);
    const expected = JSON.parse(vectors.officialPlaintext);
    expect(decryptData(keys, vectors.officialLowercase.base64)).toEqual(expected);
    expect(decryptData(keys, vectors.officialUppercase.base64)).toEqual(expected);
  });

  it('encrypts V-A (an Issue request) to its ciphertext', () => {
    expect(encryptData(keys, JSON.parse(vectors.vA.json))).toBe(vectors.vA.base64);
  });

  it('encrypts V-B (Chinese, spaces, +, %, ~*!\'(), /) to a Base64 of the stated length and SHA-256', () => {
    const data = JSON.parse(vectors.vB.json);
    const encoded = phpUrlEncode(JSON.stringify(data));
    for (const fragment of vectors.vB.encodedFragments) expect(encoded).toContain(fragment);
    const base64 = encryptData(keys, data);
    expect(base64).toHaveLength(vectors.vB.base64Length);
    expect(createHash('sha256').update(base64).digest('hex')).toBe(vectors.vB.base64Sha256);
    expect(decryptData(keys, base64)).toEqual(data);
  });

  it('decrypts V-C (an Issue answer), reading the + of its date as a space', () => {
    expect(decryptText(keys, vectors.vC.base64)).toContain('%22InvoiceDate%22%3A%222025-01-15+10%3A20%3A30%22');
    expect(decryptData(keys, vectors.vC.base64)).toEqual(vectors.vC.decoded);
  });

  it('refuses a key of the wrong length, a wrong key and a Data that is not Base64, without naming the key', () => {
    expect(() => encryptText({ hashKey: 'short', hashIV: keys.hashIV }, 'x')).toThrow(EcpayCryptoError);
    const wrong = { hashKey: 'AAAAAAAAAAAAAAAA', hashIV: keys.hashIV };
    expect(() => decryptData(wrong, vectors.vC.base64)).toThrow(EcpayCryptoError);
    expect(() => decryptData(keys, 'not base64!')).toThrow(/not Base64/);
    try {
      decryptData(wrong, vectors.vC.base64);
    } catch (error) {
      expect(String(error)).not.toContain('AAAAAAAAAAAAAAAA');
    }
  });
});
