// The shop's SinopacClient completes every service against the sandbox over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinopacClient } from '../../src/sinopac/client';
import { SinopacBusinessError, SinopacTransportError } from '../../src/sinopac/errors';
import { APPROVED_CARD, getPage, parseForm, submitCardForm } from '../support/sandbox-card';
import { startReceiver, type Receiver } from '../support/sandbox-receiver';
import { KEYED_SHOP, newOrderNo, RETURN_URL, startTestSandbox, taipeiDayAfter, TEST_SHOP, type TestSandbox } from '../support/sandbox-harness';

let sb: TestSandbox;
let receiver: Receiver;
let client: SinopacClient;

beforeAll(async () => {
  sb = await startTestSandbox();
  receiver = await startReceiver();
  client = new SinopacClient({ apiUrl: sb.running.apiUrl, ...TEST_SHOP, timeoutMs: 2_000 });
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});

const cardRequest = (autoBilling: 'Y' | 'N') => ({
  OrderNo: newOrderNo('SC'), Amount: 129900, PayType: 'C' as const, PrdtName: '精品咖啡豆', ReturnURL: RETURN_URL,
  BackendURL: receiver.url, CardParam: { AutoBilling: autoBilling, ExpMinutes: 10 },
});

describe('SinopacClient against the sandbox', () => {
  it('creates an ATM order and finds it with OrderQuery', async () => {
    const OrderNo = newOrderNo('SA');
    const created = await client.orderCreate({
      OrderNo, Amount: 50000, PayType: 'A', PrdtName: '虛擬帳號訂單', ReturnURL: RETURN_URL,
      ATMParam: { ExpireDate: taipeiDayAfter(sb.clock, 3) },
    });
    expect(created).toMatchObject({ OrderNo, PayType: 'A', Amount: 50000, Status: 'S' });
    if (created.PayType !== 'A') throw new Error('expected an ATM answer');
    expect(created.ATMParam.AtmPayNo).toMatch(/^99922\d{9}$/);

    const found = await client.orderQuery({ OrderNo });
    expect(found.OrderList).toHaveLength(1);
    expect(found.OrderList[0]).toMatchObject({ OrderNo, PayStatus: '1A200', Amount: 50000 });
  });

  it('pays a card order on the card page and reads the result with OrderPayQuery', async () => {
    const request = cardRequest('Y');
    const created = await client.orderCreate(request);
    if (created.PayType !== 'C') throw new Error('expected a card answer');
    const result = await submitCardForm(await getPage(created.CardParam.CardPayURL), APPROVED_CARD);
    const { PayToken } = parseForm(result.text, 'return-form').fields;

    const paid = await client.orderPayQuery({ PayToken: PayToken! });
    expect(paid.TSResultContent).toMatchObject({ OrderNo: request.OrderNo, Status: 'S', APType: 'PayOut', Amount: 129900 });
    const notified = await receiver.waitFor(1);
    expect(notified.some((n) => (n.json as { PayToken: string }).PayToken === PayToken)).toBe(true);
  });

  it('captures, refunds and cancels with OrderMaintain', async () => {
    const captured = cardRequest('N');
    await client.orderCreate(captured);
    sb.running.sandbox.control.pay({ orderNo: captured.OrderNo });
    expect(await client.orderMaintain({ OrderNo: captured.OrderNo, Command: 'P' })).toMatchObject({ Status: 'S', Command: 'P' });
    expect(await client.orderMaintain({ OrderNo: captured.OrderNo, Command: 'R', Amount: 29900 })).toMatchObject({ Amount: 29900 });

    const cancelled = cardRequest('N');
    await client.orderCreate(cancelled);
    sb.running.sandbox.control.pay({ orderNo: cancelled.OrderNo });
    expect(await client.orderMaintain({ OrderNo: cancelled.OrderNo, Command: 'C' })).toMatchObject({ Status: 'S', Command: 'C' });
    const [entry] = (await client.orderQuery({ OrderNo: cancelled.OrderNo })).OrderList;
    expect(entry!.PayStatus).toBe('1C351');
  });

  it('turns a Status F answer into a SinopacBusinessError with its code', async () => {
    const request = cardRequest('Y');
    await client.orderCreate(request);
    const error = await client.orderCreate(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinopacBusinessError);
    expect((error as SinopacBusinessError).code).toBe('E0302');
    const refused = await client.orderMaintain({ OrderNo: request.OrderNo, Command: 'C' }).catch((e: unknown) => e);
    expect((refused as SinopacBusinessError).code).toBe('E2001');
  });

  it('sends the X-KeyID of a shop that needs one', async () => {
    const keyed = new SinopacClient({ apiUrl: sb.running.apiUrl, ...KEYED_SHOP, timeoutMs: 2_000 });
    expect((await keyed.orderQuery({ PayFlag: 'Y' })).Status).toBe('S');
    const wrong = new SinopacClient({ apiUrl: sb.running.apiUrl, ...KEYED_SHOP, keyId: 'wrong-key', timeoutMs: 2_000 });
    const error = await wrong.orderQuery({ PayFlag: 'Y' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SinopacTransportError);
    expect((error as SinopacTransportError).httpStatus).toBe(401);
  });

  it('sees the payQueryFail and payQueryHang faults as transport errors', async () => {
    const request = cardRequest('Y');
    await client.orderCreate(request);
    const { payToken } = sb.running.sandbox.control.pay({ orderNo: request.OrderNo });
    sb.running.sandbox.control.setOrderFaults({ orderNo: request.OrderNo }, { payQueryFail: 1, payQueryHang: 1 });
    const hurried = new SinopacClient({ apiUrl: sb.running.apiUrl, ...TEST_SHOP, timeoutMs: 500 });

    const failed = await hurried.orderPayQuery({ PayToken: payToken }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ reason: 'http_status', httpStatus: 500 });
    const hung = await hurried.orderPayQuery({ PayToken: payToken }).catch((e: unknown) => e);
    expect(hung).toMatchObject({ reason: 'timeout' });
    expect((await hurried.orderPayQuery({ PayToken: payToken })).TSResultContent.Status).toBe('S');
  });
});
