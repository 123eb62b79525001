// The signed link in the shop's e-mails that opens an order in whatever browser follows it, for
// as long as it lives: /orders/<id>/open?until=<unix seconds>&sig=<HMAC-SHA256>. The key is derived
// from SESSION_SECRET for this one use, so a link's signature is no use as anything else.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Long enough for an ATM deadline (at most 30 days) and a while after it. */
export const ORDER_LINK_TTL_MS = 45 * 24 * 3600 * 1000;

export type OrderLinkCheck = 'valid' | 'expired' | 'invalid';

export interface OrderLinks {
  /** The path and query of a fresh link to the order, e.g. for `${publicBaseUrl}${pathFor(id)}`. */
  pathFor(orderId: string): string;
  check(orderId: string, until: unknown, sig: unknown): OrderLinkCheck;
}

export function createOrderLinks(secret: string, clock: () => Date): OrderLinks {
  const key = createHmac('sha256', secret).update('fengshou order link v1').digest();
  const sign = (orderId: string, until: number) => createHmac('sha256', key).update(`${orderId}\n${until}`).digest();

  return {
    pathFor(orderId) {
      const until = Math.floor((clock().getTime() + ORDER_LINK_TTL_MS) / 1000);
      return `/orders/${encodeURIComponent(orderId)}/open?until=${until}&sig=${sign(orderId, until).toString('base64url')}`;
    },
    check(orderId, until, sig) {
      if (typeof until !== 'string' || !/^\d{1,12}$/.test(until) || typeof sig !== 'string') return 'invalid';
      // Compared as text: decoding would accept the same bytes under another last character (its
      // low bits are padding), so a link changed there would still open.
      const given = Buffer.from(sig);
      const expected = Buffer.from(sign(orderId, Number(until)).toString('base64url'));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      // Checked after the signature, so an expired answer only ever concerns a link the shop made.
      return Number(until) * 1000 <= clock().getTime() ? 'expired' : 'valid';
    },
  };
}
