// Card payments end to end: the shop and the sandbox on loopback ports, a real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVED_CARD, DECLINED_CARD } from '../../packages/sinopac-sandbox/test/support/card-page';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { getWithCookie, hiddenField, payOnCardPage, placeOrder, postReturnForm } from './payment-flow-helpers';

let shop: ShopHarness;

beforeAll(async () => {
  shop = await startShopHarness();
});
afterAll(() => shop.close());

describe('a card payment', () => {
  it('approved: the return lands on a green result page and the order is paid once', async () => {
    const { order, payment, product, cookie } = await placeOrder(shop, 'card', { stock: 10 });

    const form = await payOnCardPage(payment, APPROVED_CARD);
    expect(form.action).toBe(`${shop.baseUrl}/payments/sinopac/return`);
    const back = await postReturnForm(form);

    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/orders/${order.id}/result`);
    const page = await getWithCookie(shop, `/orders/${order.id}/result`, cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('付款完成');
    expect(page.text).toContain(order.number);
    expect(page.text).toContain('data-testid="result-success"');
    expect(page.text).not.toContain('data-testid="pay-again"');

    // The notification races the return; whichever comes second changes nothing.
    await eventually(async () => (await shop.db.payToken.count({ where: { source: 'backend', paymentId: payment.id } })) > 0);
    expect(await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).toMatchObject({ status: 'paid' });
    expect((await shop.db.product.findUniqueOrThrow({ where: { id: product.id } })).stock).toBe(9);
    expect(await shop.db.paymentEvent.count({ where: { paymentId: payment.id, toStatus: 'paid', applied: true } })).toBe(1);
    const outcomes = (await shop.db.payToken.findMany({ where: { paymentId: payment.id } })).map((row) => row.outcome).sort();
    expect(outcomes).toEqual(['already_applied', 'applied']);
  });

  it('declined, then paid with a new attempt from the result page', async () => {
    const { order, payment, cookie } = await placeOrder(shop, 'card');

    const declined = await postReturnForm(await payOnCardPage(payment, DECLINED_CARD));
    expect(declined.status).toBe(303);
    const failurePage = await getWithCookie(shop, declined.headers.get('location')!, cookie);
    expect(failurePage.text).toContain('data-testid="result-failure"');
    expect(failurePage.text).toContain('data-testid="pay-again"');
    expect(failurePage.text).toContain(`action="/orders/${order.id}/payments?from=result"`);
    expect((await shop.db.payment.findUniqueOrThrow({ where: { id: payment.id } })).status).toBe('failed');

    const again = await fetch(`${shop.baseUrl}/orders/${order.id}/payments?from=result`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: hiddenField(failurePage.text, '_csrf') }).toString(),
    });
    expect(again.status).toBe(303);
    // Read to its end: a card's redirect goes out before the bank's answer is stored.
    await again.arrayBuffer();
    const attempts = await shop.db.payment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
    expect(attempts).toHaveLength(2);
    const retry = attempts[1]!;
    expect(retry.orderNo).not.toBe(payment.orderNo);
    expect(again.headers.get('location')).toBe(retry.cardPayUrl);

    const paid = await postReturnForm(await payOnCardPage(retry, APPROVED_CARD));
    const successPage = await getWithCookie(shop, paid.headers.get('location')!, cookie);
    expect(successPage.text).toContain('data-testid="result-success"');
    const after = await shop.db.payment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
    expect(after.map((p) => p.status)).toEqual(['failed', 'paid']);
    expect((await shop.db.order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe('paid');
  });

  it('pay-again clicked twice at once starts one new attempt', async () => {
    const { order, payment, cookie } = await placeOrder(shop, 'card');
    const declined = await postReturnForm(await payOnCardPage(payment, DECLINED_CARD));
    const failurePage = await getWithCookie(shop, declined.headers.get('location')!, cookie);
    const click = () =>
      fetch(`${shop.baseUrl}/orders/${order.id}/payments?from=result`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: hiddenField(failurePage.text, '_csrf') }).toString(),
      });

    const answers = await Promise.all([click(), click()]);
    await Promise.all(answers.map((answer) => answer.arrayBuffer()));

    const attempts = await shop.db.payment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'pending']);
    expect(answers.map((a) => a.headers.get('location')).sort()).toEqual([`/orders/${order.id}/result`, attempts[1]!.cardPayUrl].sort());
  });

  it('the old pay-again address sends the form on to the one endpoint', async () => {
    const { order, cookie } = await placeOrder(shop, 'card');
    const page = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    const moved = await fetch(`${shop.baseUrl}/orders/${order.id}/pay-again`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: hiddenField(page.text, '_csrf') }).toString(),
    });
    expect(moved.status).toBe(308);
    expect(moved.headers.get('location')).toBe(`/orders/${order.id}/payments?from=result`);
    expect(await shop.db.payment.count({ where: { orderId: order.id } })).toBe(1);
  });

  it('pay-again without the form’s CSRF token starts nothing', async () => {
    const { order, payment, cookie } = await placeOrder(shop, 'card');
    await postReturnForm(await payOnCardPage(payment, DECLINED_CARD));

    const forged = await fetch(`${shop.baseUrl}/orders/${order.id}/payments?from=result`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });

    expect(forged.status).toBe(403);
    expect(await shop.db.payment.count({ where: { orderId: order.id } })).toBe(1);
  });
});

describe('a return the bank cannot confirm yet', () => {
  it('shows a neutral "confirming" page with the number and amount, offers no second payment, and reports the outcome once known', async () => {
    const { order, payment, cookie } = await placeOrder(shop, 'card');
    // The return's OrderPayQuery fails once, and no notification comes meanwhile.
    shop.sandbox.sandbox.control.setOrderFaults({ orderNo: payment.orderNo }, { payQueryFail: 1, dropFirst: 5 });
    const form = await payOnCardPage(payment, APPROVED_CARD);

    const back = await postReturnForm(form);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/payments/confirming');
    const confirming = await getWithCookie(shop, '/payments/confirming', cookie);
    expect(confirming.status).toBe(303);
    expect(confirming.headers.get('location')).toBe(`/orders/${order.id}/result`);

    const page = await getWithCookie(shop, `/orders/${order.id}/result`, cookie);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toContain('正在確認您的付款');
    expect(page.text).toContain(`data-testid="order-number">${order.number}<`);
    expect(page.text).toContain('data-testid="result-amount">NT$1,299<');
    expect(page.text).toContain('您可能已經被扣款，請不要重複付款。');
    expect(page.text).not.toContain('alert-danger');
    const orderPage = await getWithCookie(shop, `/orders/${order.id}`, cookie);
    expect(orderPage.text).toContain('data-testid="confirming"');
    expect(orderPage.text).not.toContain('data-testid="card-continue"');
    expect(orderPage.text).not.toContain('data-testid="pay-again');

    const before = JSON.parse((await getWithCookie(shop, `/orders/${order.id}/status`, cookie)).text);
    expect(before).toMatchObject({ outcome: 'pending' });
    // The bank answers the next time it is asked (here: the same return posted again).
    expect((await postReturnForm(form)).status).toBe(303);
    const after = JSON.parse((await getWithCookie(shop, `/orders/${order.id}/status`, cookie)).text);
    expect(after.outcome).toBe('success');
    expect(after.state).not.toBe(before.state);
  });

  it('after its time limit, stops asking and says what happens next', async () => {
    const { order, payment, shopperId, cookie } = await placeOrder(shop, 'card');
    shop.sandbox.sandbox.control.setOrderFaults({ orderNo: payment.orderNo }, { payQueryFail: 1, dropFirst: 5 });
    await postReturnForm(await payOnCardPage(payment, APPROVED_CARD));
    await getWithCookie(shop, '/payments/confirming', cookie);
    const fresh = await getWithCookie(shop, `/orders/${order.id}/result`, cookie);
    expect(fresh.text).toMatch(/data-status-limit-seconds="1[12]\d"/);
    expect(fresh.text).toMatch(/data-when-overdue data-testid="confirming-overdue" hidden>/);

    // The shopper came back from the card page three minutes ago.
    await shop.db.$executeRaw`
      UPDATE "session" SET sess = jsonb_set(sess::jsonb, '{returnedPayments,0,at}', to_jsonb(${Date.now() - 3 * 60_000}::bigint))::json
      WHERE sess::jsonb ->> 'shopperId' = ${shopperId}`;
    const late = await getWithCookie(shop, `/orders/${order.id}/result`, cookie);

    expect(late.text).not.toContain('data-status-limit-seconds');
    expect(late.text).toMatch(/data-when-overdue data-testid="confirming-overdue">/);
    expect(late.text).toContain('本店會自動再向銀行查詢');
    expect(late.text).toContain('data-while-waiting hidden');
  });

  it('says so neutrally when the browser has no order waiting on a card', async () => {
    const page = await getWithCookie(shop, '/payments/confirming', await shop.shopperCookie('nobody-' + Date.now()));
    expect(page.status).toBe(503);
    expect(page.text).toContain('alert-info');
    expect(page.text).toContain('請不要重複付款');
  });
});

describe('the result page', () => {
  it('says the payment is being confirmed, tells not to pay again, and updates itself from the status endpoint', async () => {
    const { order, cookie } = await placeOrder(shop, 'card');

    const page = await getWithCookie(shop, `/orders/${order.id}/result`, cookie);

    expect(page.text).toContain('data-testid="result-pending"');
    expect(page.text).toContain('data-testid="confirming-dont-pay">您可能已經被扣款，請不要重複付款。<');
    expect(page.text).toContain(`data-status-url="/orders/${order.id}/status"`);
    expect(page.text).toContain('<script src="/static/js/order-status.js"></script>');
    // axe flags a timed refresh as critical; the page polls instead.
    expect(page.text).not.toContain('http-equiv="refresh"');
    expect(page.text).not.toContain('data-testid="pay-again');
  });

  it('speaks English when asked', async () => {
    const { order, cookie } = await placeOrder(shop, 'card');

    const page = await getWithCookie(shop, `/orders/${order.id}/result?lang=en`, cookie);

    expect(page.text).toContain('Confirming your payment');
    expect(page.text).toContain('Waiting for payment');
  });

  it('is not found for another shopper or for none', async () => {
    const { order } = await placeOrder(shop, 'card');
    const stranger = await shop.shopperCookie('someone-else');

    expect((await getWithCookie(shop, `/orders/${order.id}/result`, stranger)).status).toBe(404);
    expect((await getWithCookie(shop, `/orders/${order.id}/result`, '')).status).toBe(404);
  });
});
