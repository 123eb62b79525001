import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from './support/sandbox-client';
import { APPROVED_CARD, DECLINED_CARD, getPage, parseForm, submitCardForm } from './support/card-page';
import { startReceiver, type Receiver } from './support/sandbox-receiver';
import { cardOrder, KEYED_SHOP, startTestSandbox, TEST_SHOP, type TestSandbox } from './support/sandbox-harness';

let sb: TestSandbox;
let receiver: Receiver;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(() => receiver.close());

const RETURN_URL = 'https://shop.example.test/sinopac/return?lang=zh&x=1';

async function createCardOrder(overrides: Message = {}): Promise<{ orderNo: string; payUrl: string }> {
  const request = cardOrder({ ReturnURL: RETURN_URL, BackendURL: receiver.url, ...overrides });
  const { message } = await sb.client.call('OrderCreate', request);
  expect(message.Status).toBe('S');
  return { orderNo: String(request.OrderNo), payUrl: String((message.CardParam as Message).CardPayURL) };
}

const orderView = (orderNo: string) => sb.running.sandbox.control.order({ orderNo });
const payQuery = (payToken: string) => sb.client.call('OrderPayQuery', { ShopNo: TEST_SHOP.shopNo, PayToken: payToken });

describe('hosted card page', () => {
  it('shows the shop, the order and the amount in NT$, with card number, expiry and CVV fields, under a strict CSP', async () => {
    const { orderNo, payUrl } = await createCardOrder();
    const page = await getPage(payUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('lang="zh-Hant-TW"');
    expect(page.text).toContain(TEST_SHOP.shopNo);
    expect(page.text).toContain(orderNo);
    expect(page.text).toContain('NT$ 1,299');
    expect(page.text).toContain('精品咖啡豆 x2（中焙）');
    for (const name of ['CardNo', 'CardExpiry', 'CardCVV']) expect(page.text).toContain(`name="${name}"`);
    expect(page.text).not.toMatch(/<script(?![^>]*\ssrc=)/);
    const css = await getPage(`${sb.running.origin}/QPay.WebPaySite/assets/sandbox.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('approves the test card: auto-submitting ReturnURL form with ShopNo and PayToken, then the BackendURL notification', async () => {
    const { orderNo, payUrl } = await createCardOrder();
    const result = await submitCardForm(await getPage(payUrl), APPROVED_CARD);
    expect(result.status).toBe(200);
    const form = parseForm(result.text, 'return-form');
    expect(form.method).toBe('post');
    expect(form.action).toBe(RETURN_URL);
    expect(Object.keys(form.fields).sort()).toEqual(['PayToken', 'ShopNo']);
    expect(form.fields.ShopNo).toBe(TEST_SHOP.shopNo);
    expect(form.fields.PayToken).toMatch(/^[0-9a-f]{64}$/);
    expect(result.text).toMatch(/<button type="submit">/);

    const script = /<script src="([^"]+)"/.exec(result.text)![1]!;
    const js = await getPage(new URL(script, sb.running.origin).toString());
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.text).toContain("getElementById('return-form')");
    expect(js.text).toContain('.submit()');

    const [notification] = await receiver.waitFor(1);
    expect(notification!.json).toEqual({ ShopNo: TEST_SHOP.shopNo, PayToken: form.fields.PayToken });
    expect(notification!.headers['content-type']).toBe('application/json');
    const content = (await payQuery(form.fields.PayToken!)).message.TSResultContent as Message;
    expect(content).toMatchObject({ Status: 'S', OrderNo: orderNo, Amount: '129900', LeftCCNo: '499937', RightCCNo: '3145' });
    expect(orderView(orderNo).payStatus).toBe('1C400');
  });

  it('declines the second test card: the shopper still returns with a PayToken whose result is F, and nothing is notified', async () => {
    const { orderNo, payUrl } = await createCardOrder();
    const result = await submitCardForm(await getPage(payUrl), DECLINED_CARD);
    expect(result.text).toContain('授權失敗');
    const { PayToken } = parseForm(result.text, 'return-form').fields;
    const content = (await payQuery(PayToken!)).message.TSResultContent as Message;
    expect(content).toMatchObject({ Status: 'F', OrderNo: orderNo, CCExpDate: '2911' });
    expect(orderView(orderNo)).toMatchObject({ payStatus: '1C200', payments: [{ payToken: PayToken, status: 'F' }], notifications: [] });
    // The link is used up: another try shows an error instead of the form, and a way back to the
    // shop that carries the attempt's result as the return after a payment does.
    const again = await getPage(payUrl);
    expect(again.status).toBe(409);
    expect(again.text).toContain('data-testid="back-to-shop"');
    expect(again.text).toContain(`value="${PayToken}"`);
    expect(again.text).toMatch(/<form method="post" action="[^"]+">/);
  });

  it.each([
    ['an unknown card number', { ...APPROVED_CARD, CardNo: '4111 1111 1111 1111' }, '不是測試環境的測試卡'],
    ['a wrong CVV', { ...APPROVED_CARD, CardCVV: '881' }, '末三碼不符'],
    ['a wrong expiry', { ...APPROVED_CARD, CardExpiry: '11/30' }, '有效期限或背面末三碼不符'],
    ['a mistyped number', { ...APPROVED_CARD, CardNo: '4999-3700-0002-3146' }, '卡號格式錯誤'],
    ['an expired card', { ...DECLINED_CARD, CardExpiry: '05/25' }, '已過期'],
    ['an expiry that is no date', { ...APPROVED_CARD, CardExpiry: '13/30' }, '有效期限格式錯誤'],
  ])('shows a form error and takes no payment for %s', async (_name, card, message) => {
    const { orderNo, payUrl } = await createCardOrder();
    const result = await submitCardForm(await getPage(payUrl), card);
    expect(result.status).toBe(422);
    expect(result.text).toContain('id="card-error"');
    expect(result.text).toContain(message);
    expect(result.text).not.toContain('return-form');
    expect(orderView(orderNo)).toMatchObject({ payStatus: '1C200', payments: [] });
    // The form is still usable.
    expect((await submitCardForm(result, APPROVED_CARD)).status).toBe(200);
  });

  it('shows an error page for a link past its ExpMinutes, and the order becomes 1C250', async () => {
    const { orderNo, payUrl } = await createCardOrder({ CardParam: { AutoBilling: 'Y', ExpMinutes: 3 } });
    const page = await getPage(payUrl);
    expect(page.status).toBe(200);
    sb.clock.advance(3 * 60_000);
    const late = await submitCardForm(page, APPROVED_CARD);
    expect(late.status).toBe(410);
    expect(late.text).toContain('付款連結已逾時');
    expect(orderView(orderNo)).toMatchObject({ payStatus: '1C250', payments: [] });
  });

  it('shows an error page for a link with a wrong token or order', async () => {
    const { payUrl } = await createCardOrder();
    const wrongToken = new URL(payUrl);
    wrongToken.searchParams.set('TK', '00000000-0000-0000-0000-000000000000');
    expect((await getPage(wrongToken.toString())).status).toBe(404);
    expect((await getPage(`${sb.running.origin}/QPay.WebPaySite/Bridge/PayCard?TD=NOPE`)).status).toBe(404);
  });

  it('never logs the card number, the hash keys or the HashID, and keeps only the first six and last four digits', async () => {
    const { orderNo, payUrl } = await createCardOrder();
    await submitCardForm(await getPage(payUrl), APPROVED_CARD);
    await receiver.waitFor(1);
    const logged = sb.logger.lines.join('\n');
    expect(logged).toContain(orderNo);
    const secrets = ['4999370000023145', '4999-3700-0002-3145', '880', sb.client.hashId, sb.keyedClient.hashId,
      ...Object.values(TEST_SHOP.hashKeys), ...Object.values(KEYED_SHOP.hashKeys)];
    for (const secret of secrets) expect(logged, secret).not.toContain(secret);
    const kept = JSON.stringify(sb.running.sandbox.state.book.get(TEST_SHOP.shopNo, orderNo));
    expect(kept).toContain('"leftCCNo":"499937"');
    expect(kept).toContain('"rightCCNo":"3145"');
    expect(kept).not.toContain('4999370000023145');
    expect(kept).not.toContain('"880"');
  });
});
