// A whole card payment — cart, checkout, the sandbox's card page, the return and the notification —
// with every log line of the shop and of the sandbox kept: none of them may hold a secret, and
// every line the shop writes names the request it was written for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHOP } from 'sinopac-sandbox';
import { hashId } from '../../src/sinopac/crypto';
import { CapturedLogs, CapturedSandboxLogs } from '../support/log-capture';
import { APPROVED_CARD, getPage, parseForm, submitCardForm } from '../../packages/sinopac-sandbox/test/support/card-page';
import { Shopper } from '../support/shop-app';
import { createProduct } from '../support/shop-fixtures';
import { eventually, startShopHarness, type ShopHarness } from '../support/shop-harness';
import { postReturnForm } from '../payments/payment-flow-helpers';

const KEY_ID = 'KEYID-7f3c9a51e2d84b06';
const CARD_DIGITS = APPROVED_CARD.CardNo.replace(/\D/g, '');

const shopLogs = new CapturedLogs();
const sandboxLogs = new CapturedSandboxLogs();
let shop: ShopHarness;
/** The session cookie's value as the browser holds it, and the session id inside it. */
let sessionCookie: string;
let sessionId: string;

beforeAll(async () => {
  shop = await startShopHarness({ logger: sandboxLogs }, { logDestination: shopLogs, keyId: KEY_ID });
  const product = await createProduct(shop.db, { priceTwd: 880, stock: 5 });
  const buyer = new Shopper(shop.baseUrl);

  const added = await buyer.addToCart(product.id, 1);
  const cookie = ([] as string[]).concat(added.headers['set-cookie'] ?? []).find((c) => c.startsWith('fengshou.sid='))!;
  sessionCookie = decodeURIComponent(cookie.split(';')[0]!.slice('fengshou.sid='.length));
  sessionId = sessionCookie.slice(2, sessionCookie.indexOf('.'));
  const checkout = await buyer.checkout({ payType: 'card' });
  expect(checkout.status).toBe(303);

  const cardPage = await getPage(checkout.headers.location!);
  const paid = await submitCardForm(cardPage, APPROVED_CARD);
  const back = await postReturnForm(parseForm(paid.text, 'return-form'));
  expect((await buyer.agent.get(back.headers.get('location')!)).text).toContain('data-testid="result-success"');
  await eventually(async () => (await shop.db.payToken.count({ where: { source: 'backend' } })) > 0);
  await shop.audit.flush();
}, 30_000);
afterAll(() => shop.close());

describe('the logs of a whole card payment', () => {
  it('were written by both the shop and the sandbox, about this payment', () => {
    const messages = shopLogs.entries().map((entry) => entry.msg);
    expect(messages).toEqual(expect.arrayContaining(['payment attempt created', 'bank result applied', 'return from the bank handled', 'notification handled']));
    expect(sandboxLogs.text).toMatch(/card order \S+ of NA0001_001 approved/);
  });

  it.each([
    ['hash key A1', DEMO_SHOP.hashKeys.A1],
    ['hash key A2', DEMO_SHOP.hashKeys.A2],
    ['hash key B1', DEMO_SHOP.hashKeys.B1],
    ['hash key B2', DEMO_SHOP.hashKeys.B2],
    ['HashID', hashId(DEMO_SHOP.hashKeys)],
    ['card number', CARD_DIGITS],
    ['card number with dashes', APPROVED_CARD.CardNo],
    ['card number with spaces', CARD_DIGITS.replace(/(\d{4})(?=\d)/g, '$1 ')],
    ['X-KeyID', KEY_ID],
  ])('hold no %s', (_secret, value) => {
    expect(shopLogs.text.toUpperCase()).not.toContain(value.toUpperCase());
    expect(sandboxLogs.text.toUpperCase()).not.toContain(value.toUpperCase());
  });

  it('hold no session id, nor the session cookie', () => {
    expect(sessionId.length).toBeGreaterThan(20);
    for (const text of [shopLogs.text, sandboxLogs.text]) {
      expect(text).not.toContain(sessionId);
      expect(text).not.toContain(encodeURIComponent(sessionCookie));
    }
  });

  it('name the request on every line the shop wrote', () => {
    const entries = shopLogs.entries();
    expect(entries.length).toBeGreaterThan(10);
    for (const entry of entries) expect(entry.req?.id, JSON.stringify(entry)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
