import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptData, decryptText, encryptData, encryptText, formDecode, phpUrlEncode } from '../src/crypto';
import { STAGE_MERCHANT } from '../src/options';
import { phpJsonEncode } from './support/php-json';
import { V_A_DATA, V_A_JSON, V_B_JSON, V_C_DATA } from './support/vectors';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the official AES vectors (PROTOCOL.md §Vectors)', () => {
  const plain = { Name: 'Test', ID: 'A123456789' };
  const upper = 'uvI4yrErM37XNQkXGAgRgJAgHn2t72jahaMZzYhWL1HmvH4WV18VJDP2i9pTbC+tby5nxVExLLFyAkbjbS2Dvg==';
  const lower = 'ZD/z07UvdmL3aYz0tsVo+bFXF5VldNcns6ezyfea777KOmLiizrUNDYe+v1bh2QTT4AySf1NICgXxWXB6f7c6A==';

  it('encrypts the PHP-urlencoded JSON to the uppercase-hex ciphertext', () => {
    expect(phpUrlEncode(JSON.stringify(plain))).toBe('%7B%22Name%22%3A%22Test%22%2C%22ID%22%3A%22A123456789%22%7D');
    expect(encryptData(plain, STAGE_MERCHANT)).toBe(upper);
  });

  it('decrypts both hex cases to the same object', () => {
    expect(decryptText(lower, STAGE_MERCHANT)).toBe('%7b%22Name%22%3a%22Test%22%2c%22ID%22%3a%22A123456789%22%7d');
    expect(decryptData(upper, STAGE_MERCHANT)).toEqual(plain);
    expect(decryptData(lower, STAGE_MERCHANT)).toEqual(plain);
  });

  it('refuses a ciphertext under another key', () => {
    expect(() => decryptData(upper, { ...STAGE_MERCHANT, hashKey: 'AAAAAAAAAAAAAAAA' })).toThrow();
  });
});

describe('the computed vectors', () => {
  it('V-A encrypts to its published ciphertext', () => {
    expect(encryptData(JSON.parse(V_A_JSON), STAGE_MERCHANT)).toBe(V_A_DATA);
  });

  it('V-B gives the published length and digest, raw UTF-8 or serialised as PHP does, and both decrypt alike', () => {
    const value = JSON.parse(V_B_JSON);
    const encoded = phpUrlEncode(V_B_JSON);
    for (const fragment of ['%E5%8D%80+%E7%B6%93', 'a.b%2Bc%40example.com', '50%25+off+%7E%2A%21%27%28%29', '%28A%26B%29', '%E9%81%8B%E8%B2%BB%2FShipping']) {
      expect(encoded).toContain(fragment);
    }
    const raw = encryptData(value, STAGE_MERCHANT);
    expect(raw).toHaveLength(1408);
    expect(sha256(raw)).toBe('f908bf375e5bfac0fb2cc2e483510a7c82b12644358d666fd00cbe4e78624ce1');
    const php = encryptText(phpUrlEncode(phpJsonEncode(value)), STAGE_MERCHANT);
    expect(php).toHaveLength(1388);
    expect(sha256(php)).toBe('f9b7c74cd64e293810fd222e85915eda6350ceae9b2ca12f62bd4d4e5cabadd9');
    expect(decryptData(php, STAGE_MERCHANT)).toEqual(decryptData(raw, STAGE_MERCHANT));
  });

  it('V-C decrypts with form semantics to the reply with a space in InvoiceDate', () => {
    expect(decryptText(V_C_DATA, STAGE_MERCHANT)).toContain('%22InvoiceDate%22%3A%222025-01-15+10%3A20%3A30%22');
    expect(decryptData(V_C_DATA, STAGE_MERCHANT)).toEqual({
      RtnCode: 1, RtnMsg: '開立發票成功', InvoiceNo: 'AB12345678', InvoiceDate: '2025-01-15 10:20:30', RandomNumber: '1234',
    });
  });
});

describe('form decoding of what clients send', () => {
  it('reads either hex case, + as a space, and %20', () => {
    expect(formDecode('a+b%20c%2b%2B%e7%b6%A0')).toBe('a b c++綠');
  });

  it('keeps raw UTF-8 and a % that starts no escape', () => {
    expect(formDecode('{"r":"50% off 綠界"}')).toBe('{"r":"50% off 綠界"}');
  });

  it('refuses escapes that are not UTF-8', () => {
    expect(() => formDecode('%E5%8D')).toThrow();
  });
});
