import { describe, expect, it } from 'vitest';
import { decryptData, decryptText, encryptData, encryptText, phpUrlEncode } from '../src/crypto';
import { STAGE_MERCHANT } from '../src/options';
import { envelopeOf, issueData } from './support/client';
import { phpJsonEncode } from './support/php-json';
import { useSandbox } from './support/sandbox';
import { V_A_DATA, V_B_JSON } from './support/vectors';

const OTHER = { merchantId: '3000001', hashKey: 'abcdefghijklmnop', hashIV: 'ponmlkjihgfedcba' };
const { client, clock, sandbox } = await useSandbox({ merchants: [STAGE_MERCHANT, OTHER] });

async function refusal(body: unknown) {
  const response = await client.post('Issue', body);
  expect(response.status).toBe(200);
  const envelope = await envelopeOf(response);
  expect(envelope.TransCode).toBe(999999);
  expect(envelope.Data).toBe('');
  return envelope.TransMsg as string;
}

describe('the request envelope', () => {
  it('accepts V-A as an Issue request, and answers in the captured reply shape', async () => {
    const response = await client.post('Issue', client.envelope(V_A_DATA));
    const envelope = await envelopeOf(response);
    expect(envelope).toEqual({
      PlatformID: 0,
      MerchantID: 2000132,
      RpHeader: { Timestamp: Math.floor(clock.current.getTime() / 1000), RqID: expect.stringMatching(/^[0-9a-f-]{36}$/), Revision: null },
      TransCode: 1,
      TransMsg: 'Success',
      Data: expect.any(String),
    });
    // V-C's shape: PHP-urlencoded, so the space of InvoiceDate travels as "+".
    const raw = decryptText(envelope.Data, STAGE_MERCHANT);
    expect(raw).toMatch(/^%7B%22RtnCode%22%3A1%2C%22RtnMsg%22%3A%22%E9%96%8B/);
    expect(raw).toContain('%22InvoiceDate%22%3A%222025-01-15+10%3A20%3A30%22');
    expect(sandbox.control.invoices().map((i) => i.relateNumber)).toEqual(['TEST20250101001']);
  });

  it('accepts V-B, Chinese, spaces, + and % included, and stores its fields as sent', async () => {
    const data = encryptData(JSON.parse(V_B_JSON), STAGE_MERCHANT);
    const response = await client.post('Issue', client.envelope(data));
    expect((await envelopeOf(response)).TransCode).toBe(1);
    const { data: found } = await client.call('GetIssue', { RelateNumber: 'ORD2025A0002' });
    expect(found).toMatchObject({ RtnCode: 1, IIS_Customer_Addr: '台北市南港區 經貿二路 1號', IIS_Customer_Email: 'a.b+c@example.com', InvoiceRemark: "50% off ~*!'()" });
  });

  it('accepts V-B serialised as the PHP SDK does (\\uXXXX, \\/) and stores the same text', async () => {
    const data = encryptText(phpUrlEncode(phpJsonEncode(JSON.parse(V_B_JSON))), STAGE_MERCHANT);
    expect((await envelopeOf(await client.post('Issue', client.envelope(data)))).TransCode).toBe(1);
    const { data: found } = await client.call('GetIssue', { RelateNumber: 'ORD2025A0002' });
    expect(found).toMatchObject({ RtnCode: 1, IIS_Customer_Name: '王小明', Items: JSON.parse(V_B_JSON).Items });
  });

  it('accepts a Data encoded with encodeURIComponent (%20 for a space, !*()~ raw) and sent without Revision', async () => {
    const json = JSON.stringify({ MerchantID: '2000132', ...issueData({ CustomerEmail: 'x y@example.com', InvoiceRemark: "(~*!')" }) });
    const body = { MerchantID: '2000132', RqHeader: { Timestamp: Math.floor(clock.current.getTime() / 1000) }, Data: encryptText(encodeURIComponent(json), STAGE_MERCHANT) };
    const envelope = await await envelopeOf(await client.post('Issue', body));
    expect(envelope.TransCode).toBe(1);
    expect(sandbox.control.invoices()[0]).toMatchObject({ salesAmount: 300 });
  });

  it('serves each merchant with its own key', async () => {
    const { data } = await client.call('Issue', issueData({ RelateNumber: 'SHARED1' }), { merchant: OTHER });
    expect(data.RtnCode).toBe(1);
    expect(sandbox.control.invoices()[0]!.merchantId).toBe('3000001');
    // Another merchant neither sees the invoice nor shares its RelateNumbers.
    expect((await client.call('GetIssue', { InvoiceNo: data.InvoiceNo, InvoiceDate: '2025-01-15' })).data.RtnCode).toBe(2);
    expect((await client.call('GetIssue', { RelateNumber: 'SHARED1' })).data.RtnCode).toBe(2);
    expect((await client.call('Issue', issueData({ RelateNumber: 'SHARED1' }))).data.RtnCode).toBe(1);
  });

  it('refuses an unknown merchant', async () => {
    expect(await refusal({ ...client.envelope(V_A_DATA), MerchantID: '9999999' })).toMatch(/unknown MerchantID/);
  });

  it('refuses a Data under another merchant\'s key', async () => {
    expect(await refusal(client.envelope(encryptData({ MerchantID: '2000132', ...issueData() }, OTHER)))).toMatch(/cannot be decrypted/);
  });

  it('refuses a Data that is not Base64 of a ciphertext', async () => {
    expect(await refusal(client.envelope('bm90IGEgY2lwaGVydGV4dA=='))).toMatch(/cannot be decrypted/);
  });

  it('refuses a Data that decrypts to something other than a JSON object', async () => {
    expect(await refusal(client.envelope(encryptText('not+json', STAGE_MERCHANT)))).toMatch(/not URL-encoded JSON/);
    expect(await refusal(client.envelope(encryptText('%5B1%2C2%5D', STAGE_MERCHANT)))).toMatch(/not a JSON object/);
  });

  it('refuses a body that is not JSON, or lacks RqHeader', async () => {
    expect(await refusal('{"MerchantID":')).toMatch(/not JSON/);
    expect(await refusal({ MerchantID: '2000132', Data: V_A_DATA })).toMatch(/RqHeader/);
    expect(await refusal(JSON.stringify({ ...client.envelope(V_A_DATA), Padding: 'x'.repeat(1_100_000) }))).toMatch(/over 1 MB/);
  });

  it('accepts a Timestamp within 10 minutes either way and refuses one further away', async () => {
    const now = Math.floor(clock.current.getTime() / 1000);
    for (const timestamp of [now - 600, now + 600]) {
      const { data } = await client.call('CheckLoveCode', { LoveCode: '919' }, { timestamp });
      expect(data.RtnCode).toBe(1);
    }
    expect(await refusal(client.envelope(V_A_DATA, { timestamp: now - 601 }))).toMatch(/Timestamp/);
    expect(await refusal(client.envelope(V_A_DATA, { timestamp: now + 601 }))).toMatch(/Timestamp/);
    expect(sandbox.control.invoices()).toEqual([]);
  });

  it('refuses, inside Data, a MerchantID that is not the envelope\'s', async () => {
    const data = encryptData({ ...issueData(), MerchantID: '3000001' }, STAGE_MERCHANT);
    const envelope = await await envelopeOf(await client.post('Issue', client.envelope(data)));
    expect(envelope.TransCode).toBe(1);
    expect(decryptData(envelope.Data, STAGE_MERCHANT)).toMatchObject({ RtnCode: 1200000 });
    const { data: answer } = await client.call('Issue', { ...issueData(), MerchantID: '' });
    expect(answer).toMatchObject({ RtnCode: 1200000, RtnMsg: expect.stringContaining('MerchantID') });
    expect(sandbox.control.invoices()).toEqual([]);
  });

  it('answers 404 for a service it does not have', async () => {
    expect((await client.post('NoSuchService', client.envelope(V_A_DATA))).status).toBe(404);
  });
});
