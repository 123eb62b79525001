// The sandbox's own crypto against the published vectors (test/fixtures/sinopac-vectors.json, the
// shop's tests/fixtures file): each request case read as the bank reads it (HashID, IV, Sign checked, Message
// opened), each bank answer reproduced, and each synthetic answer sealed byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CryptoInputError, deriveHashId, ivOf, seal, signedText, signOf, unseal, type HashKeys } from '../src/crypto';
import { phpJsonEncode } from './support/php-json';

interface RequestCase {
  id: string;
  inputs: { shop_no: string; hash_keys: HashKeys; nonce: string; message_json?: string; message_built_by_sdk_fields?: Record<string, unknown> };
  outputs: Record<string, unknown>;
}
interface ResponseCase {
  id: string;
  inputs: { hash_keys: HashKeys; response_envelope: Record<string, string> };
  outputs: Record<string, unknown>;
}
interface SyntheticCase {
  id: string;
  inputs: { hash_keys: HashKeys; nonce: string; message_json: string };
  outputs: Record<string, unknown>;
}

const vectors = JSON.parse(readFileSync(new URL('./fixtures/sinopac-vectors.json', import.meta.url), 'utf8')) as {
  request_cases: RequestCase[]; response_cases: ResponseCase[]; synthetic_response_cases: SyntheticCase[];
};

describe('requests as the bank receives them', () => {
  for (const c of vectors.request_cases) {
    it(`${c.id}: HashID, IV, sign string and Sign`, () => {
      const message = c.inputs.message_built_by_sdk_fields ?? (JSON.parse(c.inputs.message_json!) as Record<string, unknown>);
      const hashId = deriveHashId(c.inputs.hash_keys);
      expect(hashId).toBe(c.outputs.hash_id);
      expect(ivOf(c.inputs.nonce)).toBe(c.outputs.iv);
      expect(signedText(message)).toBe(c.outputs.sign_string);
      expect(signOf(message, c.inputs.nonce, hashId)).toBe(c.outputs.sign);
      // The PHP plaintext's bytes are the vector's own: our encoder is only checked against them.
      expect(phpJsonEncode(message)).toBe(c.outputs.plaintext_sdk);
    });

    it(`${c.id}: opens both the PHP SDK's and the compact Message, and seals the same bytes`, () => {
      const hashId = deriveHashId(c.inputs.hash_keys);
      const iv = ivOf(c.inputs.nonce);
      expect(unseal(c.outputs.message_hex_sdk as string, hashId, iv)).toBe(c.outputs.plaintext_sdk);
      expect(unseal(c.outputs.message_hex_compact_utf8 as string, hashId, iv)).toBe(c.outputs.plaintext_compact_utf8);
      expect(seal(c.outputs.plaintext_sdk as string, hashId, iv)).toBe(c.outputs.message_hex_sdk);
      expect(seal(c.outputs.plaintext_compact_utf8 as string, hashId, iv)).toBe(c.outputs.message_hex_compact_utf8);
    });
  }
});

describe("the bank's own answers", () => {
  for (const c of vectors.response_cases) {
    it(`${c.id}: opened with the answer's nonce, and its Sign reproduced`, () => {
      const envelope = c.inputs.response_envelope;
      const hashId = deriveHashId(c.inputs.hash_keys);
      expect(hashId).toBe(c.outputs.hash_id);
      expect(ivOf(envelope.Nonce!)).toBe(c.outputs.iv_from_response_nonce);
      const plaintext = unseal(envelope.Message!, hashId, ivOf(envelope.Nonce!));
      expect(plaintext).toBe(c.outputs.decrypted_message);
      const message = JSON.parse(plaintext) as Record<string, unknown>;
      expect(signedText(message)).toBe(c.outputs.sign_string);
      expect(signOf(message, envelope.Nonce!, hashId)).toBe(envelope.Sign);
    });
  }
});

describe('answers the sandbox must emit', () => {
  for (const c of vectors.synthetic_response_cases) {
    it(`${c.id}: sealed and signed byte for byte`, () => {
      const message = JSON.parse(c.inputs.message_json) as Record<string, unknown>;
      const hashId = deriveHashId(c.inputs.hash_keys);
      const plaintext = JSON.stringify(message);
      expect(plaintext).toBe(c.outputs.plaintext_compact_utf8);
      expect(seal(plaintext, hashId, ivOf(c.inputs.nonce))).toBe(c.outputs.message_hex_compact_utf8);
      expect(signOf(message, c.inputs.nonce, hashId)).toBe(c.outputs.sign);
    });
  }
});

describe('the edges implementations get wrong', () => {
  it('keeps the leading zero bytes of each XOR half (docs/sinopac-protocol.md §2.1)', () => {
    const keys = { A1: '100F00F000000007', A2: '1000000000000000', B1: '0000000000000001', B2: '0000000000000000' };
    expect(deriveHashId(keys)).toBe('000F00F0000000070000000000000001');
  });

  it('reads keys in either case, and GUID-like keys as the bank .NET toolkit does', () => {
    const expected = '17D8E6558DC60E702A6B57E1B9B7060D';
    expect(deriveHashId({ A1: '4d9709D699ca40ee', A2: '5a4fEF83140c4e9e', B1: 'bc74301945134cB4', B2: '961f67f8FCA44ab9' })).toBe(expected);
    expect(deriveHashId({ A1: '4D9709D6-99CA-40EE-0000', A2: '5A4FEF83-140C-4E9E', B1: 'BC743019-4513-4CB4', B2: '961F67F8-FCA4-4AB9' })).toBe(expected);
  });

  it('names a malformed key without repeating it', () => {
    const secret = 'ZZZZsecretZZZZZZ';
    const derive = () => deriveHashId({ A1: '4D9709D699CA40EE', A2: '5A4FEF83140C4E9E', B1: secret, B2: '961F67F8FCA44AB9' });
    expect(derive).toThrow(CryptoInputError);
    expect(derive).toThrow(/B1/);
    expect(derive).not.toThrow(new RegExp(secret));
  });

  it('signs by the .NET rule: no null, empty or blank value, 0 kept, nested members left out, names without case', () => {
    expect(signedText({ b: '2', A: '1', Z: null, Y: '', X: '  ', W: 0, CardParam: { AutoBilling: 'Y' }, OrderList: [1] })).toBe('A=1&b=2&W=0');
    expect(signedText({ Memo: 'a+b c&d=e', PrdtName: '茶葉禮盒' })).toBe('Memo=a+b c&d=e&PrdtName=茶葉禮盒');
  });

  it('refuses a Message that is not hex blocks, or opens with another nonce', () => {
    const hashId = '17D8E6558DC60E702A6B57E1B9B7060D';
    const sealed = seal('{"a":1}', hashId, ivOf('one'));
    expect(() => unseal(sealed, hashId, ivOf('other'))).toThrow(CryptoInputError);
    expect(() => unseal('XYZ', hashId, ivOf('one'))).toThrow(CryptoInputError);
    expect(() => unseal('', hashId, ivOf('one'))).toThrow(CryptoInputError);
    expect(() => unseal(sealed.slice(2), hashId, ivOf('one'))).toThrow(CryptoInputError);
  });
});
