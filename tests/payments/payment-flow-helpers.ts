// Steps of a payment as the shopper's browser and the bank take them, over real HTTP.
import { randomUUID } from 'node:crypto';
import type { Payment } from '../../src/generated/prisma/client';
import { startedAttempt } from '../support/started-attempt';
import { getPage, parseForm, submitCardForm, type ParsedForm } from '../../packages/sinopac-sandbox/test/support/card-page';
import { createOrder, createProduct } from '../support/shop-fixtures';
import type { ShopHarness } from '../support/shop-harness';

export async function placeOrder(shop: ShopHarness, payType: 'atm' | 'card', options: { stock?: number; priceTwd?: number } = {}) {
  const product = await createProduct(shop.db, { priceTwd: options.priceTwd ?? 1299, stock: options.stock ?? 10 });
  const shopperId = randomUUID();
  const order = await createOrder(shop.db, { lines: [{ product, quantity: 1 }], payType, ownerToken: shopperId, reserve: true });
  const payment = await startedAttempt(shop.attemptDeps, { orderId: order.id, payType });
  return { product, order, payment, shopperId, cookie: await shop.shopperCookie(shopperId) };
}

/** Pays on the sandbox's card page and returns the form its auto-submit would post to our ReturnURL. */
export async function payOnCardPage(payment: Payment, card: Record<string, string>): Promise<ParsedForm> {
  const page = await getPage(payment.cardPayUrl!);
  if (page.status !== 200) throw new Error(`card page answered ${page.status}`);
  const result = await submitCardForm(page, card);
  return parseForm(result.text, 'return-form');
}

/** The bank's cross-site POST back to the shop: a form, and no cookies. */
export function postReturnForm(form: ParsedForm): Promise<Response> {
  return fetch(form.action, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form.fields).toString(),
  });
}

export function notify(shop: ShopHarness, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(`${shop.baseUrl}/payments/sinopac/notify`, { method: 'POST', headers: { 'content-type': contentType }, body });
}

export async function getWithCookie(shop: ShopHarness, path: string, cookie: string) {
  const response = await fetch(new URL(path, shop.baseUrl), { headers: { cookie }, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  if (!value) throw new Error(`the page has no ${name} field`);
  return value;
}
