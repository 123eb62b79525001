import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveHashId, ivOf, seal, signOf } from '../src/crypto';
import { postRaw, resultCode, type CallResult, type Message, type SandboxProtocolClient } from './support/sandbox-client';
import {
  atmOrder, cardOrder, KEYED_SHOP, newOrderNo, startTestSandbox, taipeiDayAfter, TEST_SHOP, type TestSandbox,
} from './support/sandbox-harness';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

const create = (message: Message) => sb.client.call('OrderCreate', message);
const atm = (overrides: Message) => create(atmOrder(sb.clock, overrides));
const card = (overrides: Message) => create(cardOrder(overrides));
const cardParam = (overrides: Message) => card({ CardParam: { AutoBilling: 'N', ExpMinutes: 10, ...overrides } });
const query = (message: Message) => sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, ...message });
const withoutMember = (message: Message, name: string) => Object.fromEntries(Object.entries(message).filter(([k]) => k !== name));
// Well-formed like the sandbox's own nonces, but never handed out.
const NEVER_ISSUED = Buffer.from(`63886000000000.1:${'ab'.repeat(32)}`, 'ascii').toString('base64');

async function withNonceThen(client: SandboxProtocolClient, send: (nonce: string) => Promise<CallResult>): Promise<CallResult> {
  return send(await client.nonce());
}

const cases: Array<[string, string, () => Promise<CallResult>]> = [
  // Envelope, nonce and crypto
  ['bad Sign', 'E0000', () => sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { envelope: { Sign: 'A'.repeat(64) } })],
  ['Sign of another message', 'E0000', () => withNonceThen(sb.client, (nonce) => {
    const message = atmOrder(sb.clock);
    return sb.client.call('OrderCreate', message, { nonce, envelope: { Sign: signOf({ ...message, Amount: 100 }, nonce, sb.client.hashId) } });
  })],
  ['Sign made with the PHP rule where it differs (a "0" value dropped)', 'E0000', () => withNonceThen(sb.client, (nonce) => {
    const message = { ShopNo: TEST_SHOP.shopNo, OrderNo: newOrderNo(), Command: 'R', Amount: '0' };
    return sb.client.call('OrderMaintain', message, { nonce, envelope: { Sign: signOf(withoutMember(message, 'Amount'), nonce, sb.client.hashId) } });
  })],
  ['reused nonce', 'E3002', () => withNonceThen(sb.client, async (nonce) => {
    const first = await sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { nonce });
    expect(first.message.Status).toBe('S');
    return sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { nonce });
  })],
  ['nonce never issued', 'E3001', () => sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { nonce: NEVER_ISSUED })],
  ['nonce issued to another shop', 'E3002', async () => {
    const nonce = await sb.keyedClient.nonce();
    return sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { nonce });
  }],
  ['expired nonce (61 s later)', 'E3003', () => withNonceThen(sb.client, (nonce) => {
    sb.clock.advance(61_000);
    return sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { nonce });
  })],
  ['unknown APIService', 'E3401', () => sb.client.call('OrderDelete', { ShopNo: TEST_SHOP.shopNo })],
  ['wrong Version', 'E3301', () => sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' }, { envelope: { Version: '2.0.0' } })],
  ['Message that is not hex', 'E3501', () => sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo }, { envelope: { Message: 'not-hex!' } })],
  ['Message encrypted with other keys', 'E3501', () => withNonceThen(sb.client, (nonce) => {
    const otherId = deriveHashId({ A1: '1111111111111111', A2: '2222222222222222', B1: '3333333333333333', B2: '4444444444444444' });
    const message = { ShopNo: TEST_SHOP.shopNo, PayFlag: 'Y' };
    return sb.client.call('OrderQuery', message, { nonce, envelope: { Message: seal(JSON.stringify(message), otherId, ivOf(nonce)) } });
  })],
  ['Message that decrypts to something other than a JSON object', 'E3501', () =>
    sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo }, { plaintext: '["ShopNo"]' })],
  ['envelope without Sign', 'E0001', () => sb.client.call('OrderQuery', { ShopNo: TEST_SHOP.shopNo }, { envelope: { Sign: undefined } })],
  ['Message ShopNo differing from the envelope', 'E0102', () => sb.client.call('OrderQuery', { ShopNo: KEYED_SHOP.shopNo, PayFlag: 'Y' })],

  // OrderCreate fields
  ['duplicate OrderNo', 'E0302', async () => {
    const orderNo = newOrderNo();
    expect((await atm({ OrderNo: orderNo })).message.Status).toBe('S');
    return atm({ OrderNo: orderNo });
  }],
  ['OrderNo missing', 'E0301', () => create(withoutMember(atmOrder(sb.clock), 'OrderNo'))],
  ['OrderNo of 51 bytes', 'E0301', () => atm({ OrderNo: 'X'.repeat(51) })],
  ['OrderNo with a single quote', 'E0303', () => atm({ OrderNo: "A'1" })],
  ['OrderNo with a double quote', 'E0303', () => atm({ OrderNo: 'A"1' })],
  ['OrderNo with a percent sign', 'E0303', () => atm({ OrderNo: 'A%1' })],
  ['OrderNo of 17 Chinese characters (51 bytes)', 'E0301', () => atm({ OrderNo: '訂'.repeat(17) })],
  ['Amount not ending in 00', 'E0401', () => atm({ Amount: 12345 })],
  ['Amount zero', 'E0401', () => atm({ Amount: 0 })],
  ['Amount negative', 'E0401', () => atm({ Amount: -100 })],
  ['Amount fractional', 'E0401', () => atm({ Amount: 100.5 })],
  ['Amount missing', 'E0401', () => create(withoutMember(atmOrder(sb.clock), 'Amount'))],
  ['Amount of 10 digits', 'E0402', () => card({ Amount: 1_000_000_000 })],
  ['ATM amount over 3,000,000', 'E0403', () => atm({ Amount: 3_000_100 })],
  ['CurrencyID other than TWD', 'E0500', () => atm({ CurrencyID: 'USD' })],
  ['PayType missing', 'E0601', () => create(withoutMember(atmOrder(sb.clock), 'PayType'))],
  ['PayType not enabled (LINE Pay)', 'E0602', () => atm({ PayType: 'L' })],
  ['PrdtName missing', 'E0701', () => atm({ PrdtName: '' })],
  ['PrdtName over 60 bytes (21 Chinese characters)', 'E0702', () => atm({ PrdtName: '測'.repeat(21) })],
  ['PrdtName with a percent sign', 'E0703', () => atm({ PrdtName: '100% 純棉' })],
  ['ATM without ATMParam', 'E0800', () => create(withoutMember(atmOrder(sb.clock), 'ATMParam'))],
  ['ATM ExpireDate that is no date', 'E0800', () => atm({ ATMParam: { ExpireDate: '20250230' } })],
  ['ATM ExpireDate in the past', 'E0801', () => atm({ ATMParam: { ExpireDate: taipeiDayAfter(sb.clock, -1) } })],
  ['ATM ExpireDate beyond 30 days', 'E0802', () => atm({ ATMParam: { ExpireDate: taipeiDayAfter(sb.clock, 31) } })],
  ['card without AutoBilling', 'E0901', () => card({ CardParam: { ExpMinutes: 10 } })],
  ['ExpBillingDays 8', 'E1001', () => cardParam({ ExpBillingDays: 8 })],
  ['ExpMinutes 0', 'E1101', () => cardParam({ ExpMinutes: 0 })],
  ['ExpMinutes 31', 'E1101', () => cardParam({ ExpMinutes: 31 })],
  ['PayTypeSub other than ONE', 'E0602', () => cardParam({ PayTypeSub: 'STAGE' })],
  ['ATM without ReturnURL', 'E1201', () => create(withoutMember(atmOrder(sb.clock), 'ReturnURL'))],
  ['card without ReturnURL', 'E1201', () => create(withoutMember(cardOrder(), 'ReturnURL'))],
  ['ReturnURL over 255 bytes', 'E1202', () => card({ ReturnURL: `https://shop.example/${'r'.repeat(240)}` })],
  ['ReturnURL that is no URL', 'E1203', () => card({ ReturnURL: 'shop/return' })],
  ['ReturnURL with a double quote', 'E1203', () => card({ ReturnURL: 'https://shop.example/"return' })],
  ['BackendURL with a percent sign', 'E1302', () => card({ BackendURL: 'https://shop.example/notify%20me' })],
  ['Memo over 30 bytes', 'E1401', () => card({ Memo: '備註'.repeat(6) })],
  ['Memo with a double quote', 'E1402', () => card({ Memo: 'a"b' })],
  ['Param1 with a percent sign', 'E1502', () => card({ Param1: '50%' })],
  ['Param2 over 255 bytes', 'E1601', () => card({ Param2: 'p'.repeat(256) })],
  ['Param3 with a single quote', 'E1702', () => card({ Param3: "it's" })],

  // OrderQuery
  ['OrderQuery without any condition', 'E2101', () => query({})],
  ['OrderQuery PayType unknown', 'E0602', () => query({ PayType: 'X' })],
  ['OrderQuery OrderDateTimeS malformed', 'E1901', () => query({ OrderDateTimeS: '2025061012', OrderDateTimeE: '202506101300' })],
  ['OrderQuery OrderDateTimeE malformed', 'E1902', () => query({ OrderDateTimeS: '202506101200', OrderDateTimeE: '202506101360' })],
  ['OrderQuery OrderDateTimeS without E', 'E1903', () => query({ OrderDateTimeS: '202506100000' })],
  ['OrderQuery order dates reversed', 'E1904', () => query({ OrderDateTimeS: '202506110000', OrderDateTimeE: '202506100000' })],
  ['OrderQuery PayDateTimeE without S', 'E3204', () => query({ PayDateTimeE: '202506100000' })],
  ['OrderQuery pay dates reversed', 'E3203', () => query({ PayDateTimeS: '202506110000', PayDateTimeE: '202506100000' })],
  ['OrderQuery PayFlag unknown', 'E2102', () => query({ PayFlag: 'X' })],

  // OrderPayQuery and OrderMaintain
  ['OrderPayQuery without PayToken', 'E2401', () => sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo })],
  ['OrderPayQuery with an unknown PayToken', 'E2402', () => sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: 'ab'.repeat(32) })],
  ['OrderMaintain of an unknown order', 'E2601', () => sb.client.call('OrderMaintain', { ShopNo: TEST_SHOP.shopNo, OrderNo: 'NOPE1', Command: 'R' })],
  ['OrderMaintain without Command', 'E1800', () => sb.client.call('OrderMaintain', { ShopNo: TEST_SHOP.shopNo, OrderNo: 'NOPE1' })],
  ['OrderMaintain with an unknown Command', 'E1801', () => sb.client.call('OrderMaintain', { ShopNo: TEST_SHOP.shopNo, OrderNo: 'NOPE1', Command: 'X' })],
];

describe('requests the bank refuses', () => {
  it.each(cases)('%s → %s', async (_name, code, send) => {
    const { message, envelope } = await send();
    expect(message.Status).toBe('F');
    expect(resultCode(message)).toBe(code);
    expect(message.Description).toMatch(new RegExp(`^${code} \u2013 \\S`));
    expect(envelope.Version).toBe('1.0.0');
    expect(envelope.ShopNo).toBe(message.ShopNo);
  });

  it('echoes the request members that identify the failure', async () => {
    const orderNo = newOrderNo();
    const { message, envelope } = await atm({ OrderNo: orderNo, Amount: 12345 });
    expect(envelope.APIService).toBe('OrderCreate');
    expect(message).toMatchObject({ ShopNo: TEST_SHOP.shopNo, OrderNo: orderNo, Status: 'F' });
    expect(message.Date).toMatch(/^\d{12}$/);
  });

  it('answers an Order call for an unknown shop, or one that is not JSON, with HTTP 400 JSON', async () => {
    const unknown = await postRaw(`${sb.running.apiUrl}/Order`, JSON.stringify({ ShopNo: 'XX9999_001', APIService: 'OrderQuery' }));
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toMatchObject({ Status: 'F', Code: 'E0101' });
    const notJson = await postRaw(`${sb.running.apiUrl}/Order`, '{"ShopNo":');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text)).toMatchObject({ Status: 'F', Code: 'E0001' });
  });
});
