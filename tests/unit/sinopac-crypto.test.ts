import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptMessage, encryptMessage, hashId, ivFromNonce, sign, signString, SinopacCryptoError,
} from '../../src/sinopac/crypto';
import { phpJsonEncode } from '../../packages/sinopac-sandbox/test/support/php-json';

type Keys = { A1: string; A2: string; B1: string; B2: string };
interface RequestCase {
  id: string;
  inputs: { api_service: string; shop_no: string; hash_keys: Keys; nonce: string; message_json?: string; message_built_by_sdk_fields?: Record<string, unknown> };
  outputs: Record<string, unknown>;
  cross_check_official_php_sample?: Record<string, unknown>;
  expected_from_source?: Record<string, { expected: string; matches: boolean }>;
}
interface ResponseCase {
  id: string;
  inputs: { hash_keys: Keys; response_envelope: Record<string, string> };
  outputs: Record<string, unknown>;
  cross_check_official_php_sample?: Record<string, unknown>;
  expected_from_source?: Record<string, { expected: string; matches: boolean }>;
}
interface SyntheticCase {
  id: string;
  inputs: { api_service: string; shop_no: string; hash_keys: Keys; nonce: string; message_json: string };
  outputs: Record<string, unknown>;
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/sinopac-vectors.json', import.meta.url), 'utf8')) as {
  request_cases: RequestCase[]; response_cases: ResponseCase[]; synthetic_response_cases: SyntheticCase[];
};

const sha256Upper = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').toUpperCase();

/** Every output a request case can hold, derived from its inputs by our own code. */
function deriveRequest(c: RequestCase): Record<string, unknown> {
  const message = c.inputs.message_built_by_sdk_fields ?? (JSON.parse(c.inputs.message_json!) as Record<string, unknown>);
  const id = hashId(c.inputs.hash_keys);
  const iv = ivFromNonce(c.inputs.nonce);
  const signed = sign(message, c.inputs.nonce, id);
  const plaintextSdk = phpJsonEncode(message);
  const plaintextCompact = JSON.stringify(message);
  const hexSdk = encryptMessage(plaintextSdk, id, iv);
  const hexCompact = encryptMessage(plaintextCompact, id, iv);
  const envelope = (hex: string) => ({
    Version: '1.0.0', ShopNo: c.inputs.shop_no, APIService: c.inputs.api_service, Sign: signed, Nonce: c.inputs.nonce, Message: hex,
  });
  return {
    hash_id: id,
    sha256_nonce_upper: sha256Upper(c.inputs.nonce),
    iv,
    sign_string: signString(message),
    sign_preimage: signString(message) + c.inputs.nonce + id,
    sign: signed,
    plaintext_sdk: plaintextSdk,
    message_hex_sdk: hexSdk,
    decrypted_sdk: decryptMessage(hexSdk, id, iv),
    roundtrip_ok_sdk: decryptMessage(hexSdk, id, iv) === plaintextSdk,
    plaintext_compact_utf8: plaintextCompact,
    message_hex_compact_utf8: hexCompact,
    request_envelope_sdk: envelope(hexSdk),
    decrypted_compact_utf8: decryptMessage(hexCompact, id, iv),
    request_envelope_compact_utf8: envelope(hexCompact),
  };
}

describe('request vectors', () => {
  for (const c of vectors.request_cases) {
    const derived = deriveRequest(c);
    for (const field of Object.keys(c.outputs)) {
      it(`${c.id}: ${field}`, () => {
        expect(field in derived, `no derivation for ${field}`).toBe(true);
        expect(derived[field]).toEqual(c.outputs[field]);
      });
    }
    it(`${c.id}: agrees with the bank's PHP sample toolkit`, () => {
      const cross = c.cross_check_official_php_sample ?? {};
      if ('hash_id' in cross) expect(derived.hash_id).toBe(cross.hash_id);
      if ('iv' in cross) expect(derived.iv).toBe(cross.iv);
      if ('sign' in cross) expect(derived.sign).toBe(cross.sign);
      if ('message_hex_of_plaintext_sdk' in cross) expect(derived.message_hex_sdk).toBe(cross.message_hex_of_plaintext_sdk);
      expect(Object.keys(cross).length).toBeGreaterThan(0);
    });
    if (c.expected_from_source) {
      it(`${c.id}: matches the values its source publishes`, () => {
        const fromSource: Record<string, unknown> = {
          hash_id: derived.hash_id, iv: derived.iv, sign: derived.sign,
          message_hex_sdk: derived.message_hex_sdk, message_hex_of_compact_utf8_plaintext: derived.message_hex_compact_utf8,
        };
        for (const [field, { expected }] of Object.entries(c.expected_from_source!)) {
          expect(field in fromSource, `no derivation for ${field}`).toBe(true);
          expect(fromSource[field]).toBe(expected);
        }
      });
    }
  }
});

describe('bank response vectors', () => {
  for (const c of vectors.response_cases) {
    const env = c.inputs.response_envelope;
    const id = hashId(c.inputs.hash_keys);
    const iv = ivFromNonce(env.Nonce!);
    const decrypted = decryptMessage(env.Message!, id, iv);
    const message = JSON.parse(decrypted) as Record<string, unknown>;
    const derived: Record<string, unknown> = {
      hash_id: id,
      iv_from_response_nonce: iv,
      decrypted_message: decrypted,
      sign_string: signString(message),
      sign_preimage: signString(message) + env.Nonce + id,
      computed_sign: sign(message, env.Nonce!, id),
      sign_matches_envelope: sign(message, env.Nonce!, id) === env.Sign,
    };
    for (const field of Object.keys(c.outputs)) {
      it(`${c.id}: ${field}`, () => {
        expect(field in derived, `no derivation for ${field}`).toBe(true);
        expect(derived[field]).toEqual(c.outputs[field]);
      });
    }
    it(`${c.id}: signature verifies and agrees with the PHP sample toolkit`, () => {
      expect(derived.sign_matches_envelope).toBe(true);
      expect(decrypted).toBe(c.cross_check_official_php_sample?.decrypted_message);
      if (c.expected_from_source?.iv) expect(iv).toBe(c.expected_from_source.iv.expected);
    });
  }
});

describe('synthetic response vectors (what the sandbox must emit)', () => {
  for (const c of vectors.synthetic_response_cases) {
    const message = JSON.parse(c.inputs.message_json) as Record<string, unknown>;
    const id = hashId(c.inputs.hash_keys);
    const iv = ivFromNonce(c.inputs.nonce);
    const plaintext = JSON.stringify(message);
    const hex = encryptMessage(plaintext, id, iv);
    const derived: Record<string, unknown> = {
      hash_id: id,
      iv,
      sign_string: signString(message),
      sign: sign(message, c.inputs.nonce, id),
      plaintext_compact_utf8: plaintext,
      message_hex_compact_utf8: hex,
      decrypted_by_sdk: decryptMessage(hex, id, iv),
      roundtrip_ok: decryptMessage(hex, id, iv) === plaintext,
      response_envelope: {
        Version: '1.0.0', ShopNo: c.inputs.shop_no, APIService: c.inputs.api_service,
        Sign: sign(message, c.inputs.nonce, id), Nonce: c.inputs.nonce, Message: hex,
      },
    };
    for (const field of Object.keys(c.outputs)) {
      it(`${c.id}: ${field}`, () => {
        expect(field in derived, `no derivation for ${field}`).toBe(true);
        expect(derived[field]).toEqual(c.outputs[field]);
      });
    }
  }
});

describe('HashID edge cases', () => {
  it('keeps leading zero bytes of each XOR half', () => {
    const keys = { A1: '0123456789ABCDEF', A2: '012C4589799ACDE8', B1: 'FFFFFFFFFFFFFFFF', B2: 'FFFFFFFFFFFFFFFE' };
    expect(hashId(keys)).toBe('000F00EEF0310007' + '0000000000000001');
  });

  it('reproduces the protocol pitfall value 000F00F0000000070000000000000001', () => {
    const keys = { A1: '100F00F000000007', A2: '1000000000000000', B1: '0000000000000001', B2: '0000000000000000' };
    expect(hashId(keys)).toBe('000F00F0000000070000000000000001');
  });

  it('treats keys case-insensitively', () => {
    const upper = { A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67F8FCA44AB9' };
    const mixed = { A1: '4d9709D699ca40ee', A2: '5a4fEF83140c4e9e', B1: 'bc74301945134cB4', B2: '961f67f8FCA44ab9' };
    expect(hashId(mixed)).toBe(hashId(upper));
    expect(hashId(mixed)).toBe('17D8E6558DC60E702A6B57E1B9B7060D');
  });

  it('accepts GUID-like keys the way the bank .NET toolkit does', () => {
    const keys = { A1: '4D9709D6-99CA-40EE-0000-000000000000', A2: '5A4FEF83-140C-4E9E', B1: 'BC743019-4513-4CB4', B2: '961F67F8-FCA4-4AB9' };
    expect(hashId(keys)).toBe('17D8E6558DC60E702A6B57E1B9B7060D');
  });

  it('rejects a malformed key without echoing it', () => {
    const secret = 'ZZZZsecretZZZZZZ';
    const call = () => hashId({ A1: secret, A2: '5A4FEF83140C4E9E', B1: 'BC74301945134CB4', B2: '961F67F8FCA44AB9' });
    expect(call).toThrow(SinopacCryptoError);
    expect(call).toThrow(/A1/);
    try { call(); } catch (error) { expect(String((error as Error).message)).not.toContain(secret); }
  });
});

describe('sign string rules (the bank .NET rule where implementations disagree)', () => {
  it('drops null, empty and whitespace-only values but keeps zero', () => {
    expect(signString({ B: null, C: '', D: '   ', E: 0, F: '0', G: 'x' })).toBe('E=0&F=0&G=x');
  });

  it('excludes nested objects and arrays even when non-empty', () => {
    expect(signString({ Amount: 100, CardParam: { AutoBilling: 'Y' }, OrderList: [{ a: 1 }], Z: 'z' })).toBe('Amount=100&Z=z');
  });

  it('sorts names case-insensitively', () => {
    expect(signString({ b: '2', A: '1', C: '3', a2: 'x' })).toBe('A=1&a2=x&b=2&C=3');
  });

  it('keeps values raw: no URL encoding, + and Chinese intact', () => {
    expect(signString({ Memo: 'a+b c&d=e', PrdtName: '茶葉禮盒' })).toBe('Memo=a+b c&d=e&PrdtName=茶葉禮盒');
  });
});

describe('message encryption', () => {
  const id = '17D8E6558DC60E702A6B57E1B9B7060D';
  const iv = ivFromNonce('nonce');

  it('round-trips Chinese text', () => {
    const text = JSON.stringify({ PrdtName: '精品咖啡豆 x2（中焙）', Memo: '請於週末配送 – 謝謝' });
    const hex = encryptMessage(text, id, iv);
    expect(hex).toMatch(/^[0-9A-F]+$/);
    expect(decryptMessage(hex, id, iv)).toBe(text);
  });

  it('refuses a ciphertext decrypted with the wrong IV', () => {
    const hex = encryptMessage('{"a":1}', id, iv);
    expect(() => decryptMessage(hex, id, ivFromNonce('other'))).toThrow(SinopacCryptoError);
  });

  it('refuses text that is not hex blocks', () => {
    expect(() => decryptMessage('XYZ', id, iv)).toThrow(SinopacCryptoError);
    expect(() => decryptMessage('', id, iv)).toThrow(SinopacCryptoError);
  });
});
