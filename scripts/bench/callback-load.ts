// Posts PayTokens to a BackendURL the way the bank does when it repeats itself: every token's
// copies at the same moment, a bounded number of tokens at a time. Given several servers, it
// deals the requests out in turn, as a load balancer in front of them would, so the copies of one
// token usually reach different servers.
//
// The copies come from BANK_HOSTS addresses (X-Forwarded-For, as the reverse proxy reports them):
// the shop's callback rate limit counts per address, and from a single one it would refuse most of
// a burst this size, which would measure the limiter rather than the intake.
import { forEachConcurrently } from './concurrency';
import { proxyHeaders } from './shopper';

export const COPIES = 5;
const TOKENS_IN_FLIGHT = 10;
const BANK_HOSTS = 20;
/** Clear of the addresses the shoppers use. */
const FIRST_BANK_CLIENT = 100_000;

export interface CallbackLoad {
  /** The tokens posted before the time budget ran out, each COPIES times. */
  delivered: string[];
  sent: number;
  /** Answered 200 with exactly {"Status":"S"}. */
  acknowledged: number;
  latencies: number[];
  elapsedMs: number;
}

export async function postCallbacks(urls: readonly string[], shopNo: string, tokens: readonly string[], budgetMs: number): Promise<CallbackLoad> {
  const latencies: number[] = [];
  const delivered: string[] = [];
  let sent = 0;
  let acknowledged = 0;
  const post = async (body: string, headers: Record<string, string>) => {
    const url = urls[sent++ % urls.length]!;
    const started = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      const text = await res.text();
      if (res.status === 200 && text === '{"Status":"S"}') acknowledged++;
    } catch {
      // A refused or reset connection is simply not an acknowledgement.
    }
    latencies.push(performance.now() - started);
  };
  const started = performance.now();
  const deadline = started + budgetMs;
  let next = 0;
  await forEachConcurrently(tokens, TOKENS_IN_FLIGHT, async (token) => {
    if (performance.now() > deadline) return;
    delivered.push(token);
    const body = JSON.stringify({ ShopNo: shopNo, PayToken: token });
    const headers = proxyHeaders(FIRST_BANK_CLIENT + (next++ % BANK_HOSTS));
    await Promise.all(Array.from({ length: COPIES }, () => post(body, headers)));
  });
  return { delivered, sent, acknowledged, latencies, elapsedMs: performance.now() - started };
}
