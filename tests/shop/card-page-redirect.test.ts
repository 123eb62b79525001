// A card attempt's redirect goes out as soon as the bank gives its card page, and the response ends
// once the bank's answer is stored (src/routes/card-page-redirect.ts), at checkout and "pay again".
// Holding PaymentEvent, which only storing the bank's answer writes, holds that statement.
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Product } from '../../src/generated/prisma/client';
import { CUSTOMER, Shopper, startShopApp, type ShopApp } from '../support/shop-app';

const CARD_PAGE = /^http:\/\/127\.0\.0\.1:\d+\/QPay\.WebPaySite\/Bridge\/PayCard\?TD=/;

describe("a card attempt's redirect, sent as soon as the bank gives its card page", () => {
  let shop: ShopApp;
  let tea: Product;
  let server: Server;
  let origin: string;
  beforeAll(async () => {
    shop = await startShopApp();
    tea = await shop.db.product.findUniqueOrThrow({ where: { slug: 'sun-moon-lake-black-tea' } });
    server = shop.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    shop.bank.sandbox.control.setFaults({});
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await shop.close();
  });

  async function shopperWithCart(): Promise<Shopper> {
    const shopper = new Shopper(shop.app);
    await shopper.addToCart(tea.id, 1);
    return shopper;
  }

  /** The attempts of the shopper's one order, oldest first. */
  async function attemptsOf(shopper: Shopper) {
    const sid = shopper.sessionCookie()!.slice(2).split('.')[0]!;
    const session = await shop.db.session.findUniqueOrThrow({ where: { sid } });
    const order = await shop.db.order.findFirstOrThrow({ where: { ownerToken: (session.sess as { shopperId: string }).shopperId } });
    return shop.db.payment.findMany({ where: { orderId: order.id }, orderBy: { createdAt: 'asc' } });
  }

  /** A form posted as a browser posts it: `response` once its headers are in, `ended` resolving when it ends. */
  async function post(shopper: Shopper, path: string, fields: Record<string, string>) {
    const cookie = shopper.agent.jar.getCookies({ domain: '127.0.0.1', path: '/', script: false, secure: false }).toValueString();
    const request = httpRequest(`${origin}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
    request.end(new URLSearchParams(fields).toString());
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    const ended = new Promise<void>((resolve, reject) => response.resume().on('end', resolve).on('error', reject));
    return { response, ended };
  }

  const checkout = async (shopper: Shopper) => post(shopper, '/checkout', { ...(await shopper.openCheckout()), ...CUSTOMER });

  async function withAnswersHeld<T>(run: () => Promise<T>): Promise<T> {
    return shop.db.$transaction(async (tx) => {
      await tx.$executeRaw`LOCK TABLE "PaymentEvent" IN EXCLUSIVE MODE`;
      return run();
    }, { timeout: 10_000 });
  }

  it('at checkout goes out before the answer is stored, the cart forgotten, and the response ends once it is', async () => {
    const shopper = await shopperWithCart();
    const { response, ended } = await withAnswersHeld(async () => {
      const sent = await checkout(shopper);
      expect([sent.response.statusCode, sent.response.headers.location]).toEqual([303, expect.stringMatching(CARD_PAGE)]);
      expect(await attemptsOf(shopper)).toMatchObject([{ status: 'creating', cardPayUrl: null }]);
      expect((await shopper.agent.get('/cart')).text).toContain('data-testid="cart-empty"');
      expect(sent.response.complete).toBe(false);
      return sent;
    });
    await ended;
    expect(await attemptsOf(shopper)).toMatchObject([{ status: 'pending', cardPayUrl: response.headers.location }]);
  });

  it('ends the response, the attempt left creating for the bank check, when the answer cannot be stored', async () => {
    const shopper = await shopperWithCart();
    const { response } = await withAnswersHeld(async () => {
      const sent = await checkout(shopper);
      // The shop's statement loses its connection once it waits for the lock (it may not be there yet).
      while ((await shop.db.$queryRaw<unknown[]>`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%PaymentEvent%'`).length === 0) {
        await delay(5);
      }
      await sent.ended;
      return sent;
    });
    expect([response.statusCode, response.headers.location]).toEqual([303, expect.stringMatching(CARD_PAGE)]);
    expect(await attemptsOf(shopper)).toMatchObject([{ status: 'creating', cardPayUrl: null }]);
  });

  it('when paying again goes out before the answer is stored, and the response ends once it is', async () => {
    const shopper = await shopperWithCart();
    shop.bank.sandbox.control.setFaults({ unavailable: true });
    const placed = await checkout(shopper);
    await placed.ended;
    shop.bank.sandbox.control.setFaults({});
    const orderPage = placed.response.headers.location!;
    expect(orderPage).toMatch(/^\/orders\//);

    const { response, ended } = await withAnswersHeld(async () => {
      const sent = await post(shopper, `${orderPage}/payments`, { _csrf: await shopper.csrfToken() });
      expect([sent.response.statusCode, sent.response.headers.location]).toEqual([303, expect.stringMatching(CARD_PAGE)]);
      expect(await attemptsOf(shopper)).toMatchObject([{ status: 'create_failed' }, { status: 'creating', cardPayUrl: null }]);
      expect(sent.response.complete).toBe(false);
      return sent;
    });
    await ended;
    expect(await attemptsOf(shopper)).toMatchObject([{ status: 'create_failed' }, { status: 'pending', cardPayUrl: response.headers.location }]);
  });
});
