// Catalog and product pages under autocannon, the shop against the bare Express + Nunjucks app,
// in alternating rounds so that whatever else the machine is doing weighs on both sides alike.
import autocannon, { type Result } from 'autocannon';
import type { CpuMeters } from './cpu';
import type { Check, Figure, Measurement, Target } from './report';
import { hiddenField, proxyHeaders, Shopper } from './shopper';
import { sized } from './sizes';
import { percentile } from './stats';

const CONNECTIONS = 10;
const ROUNDS = sized(2, 1);
const ROUND_S = sized(2, 1);
const WARMUP_S = 1;
// Issue 14's goal for the most visited pages: at most twice the bare app's CPU per request.
const ISSUE_14_TARGET: Target = { maxRatio: 2, text: '≤ 2.00×' };

/** One browser per connection, as ten shoppers would be, rather than ten tabs of one session. */
function load(url: string, cookies: string[], duration: number): PromiseLike<Result> {
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    setupClient: (client) => {
      const n = next++;
      client.setHeaders({ ...proxyHeaders(n), ...(cookies.length > 0 && { cookie: cookies[n % cookies.length]! }) });
    },
  });
}

export interface Side {
  url: string;
  cookies: string[];
  /** CPU time of the server process, and of the database when it is the shop. */
  cpu: () => number;
  databaseCpu?: () => number;
}

interface Totals {
  requests: number;
  seconds: number;
  failed: number;
  p99s: number[];
  cpuMs: number;
  databaseCpuMs: number;
}

async function round(side: Side, totals: Totals): Promise<void> {
  const cpuBefore = side.cpu();
  const databaseBefore = side.databaseCpu?.() ?? 0;
  const started = performance.now();
  const result = await load(side.url, side.cookies, ROUND_S);
  totals.seconds += (performance.now() - started) / 1000;
  totals.cpuMs += side.cpu() - cpuBefore;
  totals.databaseCpuMs += (side.databaseCpu?.() ?? 0) - databaseBefore;
  totals.requests += result.requests.total;
  totals.failed += result.errors + result.timeouts + result.non2xx;
  totals.p99s.push(result.latency.p99);
}

/**
 * `shop` against `bare` in alternating rounds. `cpuTarget`: the goal for the page's CPU per request
 * against the baseline's; `baselineLabel`: what the baseline is; `section`: the report's, pages unless said.
 */
export async function compare(name: string, shop: Side, bare: Side, options: { cpuTarget?: Target; baselineLabel?: string; section?: string } = {}): Promise<Measurement> {
  await load(shop.url, shop.cookies, WARMUP_S);
  await load(bare.url, bare.cookies, WARMUP_S);
  const empty = (): Totals => ({ requests: 0, seconds: 0, failed: 0, p99s: [], cpuMs: 0, databaseCpuMs: 0 });
  const shopTotals = empty();
  const bareTotals = empty();
  for (let i = 0; i < ROUNDS; i++) {
    await round(shop, shopTotals);
    await round(bare, bareTotals);
  }
  const rate = (t: Totals) => t.requests / t.seconds;
  const p99 = (t: Totals) => percentile(t.p99s, 50);
  const cpuPerRequest = (t: Totals) => t.cpuMs / t.requests;
  const baselineLabel = options.baselineLabel ?? 'bare app';
  const section = options.section ?? 'pages';
  const baseline = (value: number) => ({ label: baselineLabel, value });
  const figures: Figure[] = [
    { section, measure: `${name}: throughput`, value: rate(shopTotals), unit: 'req/s', baseline: baseline(rate(bareTotals)) },
    { section, measure: `${name}: p99 latency`, value: p99(shopTotals), unit: 'ms', baseline: baseline(p99(bareTotals)) },
    { section, measure: `${name}: shop process CPU per request`, value: cpuPerRequest(shopTotals), unit: 'CPU ms', baseline: baseline(cpuPerRequest(bareTotals)), ...(options.cpuTarget && { target: options.cpuTarget }) },
    {
      section,
      measure: `${name}: PostgreSQL CPU per request`,
      value: shopTotals.databaseCpuMs / shopTotals.requests,
      unit: 'CPU ms',
      ...(bare.databaseCpu && { baseline: baseline(bareTotals.databaseCpuMs / bareTotals.requests) }),
    },
  ];
  const answered = (side: string, t: Totals): Check => ({
    name: `${name} (${side}) answered 2xx`,
    passed: t.failed === 0 && t.requests > 0,
    detail: `${t.requests} requests, ${t.failed} errors, timeouts or non-2xx`,
  });
  return { figures, checks: [answered('shop', shopTotals), answered(baselineLabel, bareTotals)] };
}

/** Shoppers who have been here before: each with a product in the cart, so with a stored session. */
async function returningVisitors(shopUrl: string, productId: number): Promise<string[]> {
  return Promise.all(Array.from({ length: CONNECTIONS }, async (_, n) => {
    const shopper = new Shopper(shopUrl, n);
    const home = await shopper.get('/');
    const added = await shopper.post('/cart/items', { _csrf: hiddenField(home.text, '_csrf'), productId, quantity: 1 });
    if (added.status !== 303 || !shopper.cookie.includes('fengshou.sid=')) throw new Error(`adding to the cart answered ${added.status}, with no session`);
    return shopper.cookie;
  }));
}

/** A baseline is only one if it renders the same page: as many product cards, and the product. */
async function samePages(shopUrl: string, bareUrl: string, productPath: string): Promise<Check> {
  const cards = async (url: string) => (await (await fetch(url)).text()).split('data-testid="product-card"').length - 1;
  const status = async (url: string) => (await fetch(url)).status;
  const [shopCards, bareCards] = [await cards(`${shopUrl}/`), await cards(`${bareUrl}/`)];
  const [shopProduct, bareProduct] = [await status(`${shopUrl}${productPath}`), await status(`${bareUrl}${productPath}`)];
  return {
    name: 'the bare app renders the same pages',
    passed: shopCards > 0 && shopCards === bareCards && shopProduct === 200 && bareProduct === 200,
    detail: `catalog with ${shopCards} and ${bareCards} products; product page ${shopProduct} and ${bareProduct}`,
  };
}

export async function measurePages(shopUrl: string, bareUrl: string, product: { id: number; slug: string }, cpu: CpuMeters): Promise<Measurement> {
  const cookies = await returningVisitors(shopUrl, product.id);
  const shop = (path: string, withCookies: string[]): Side => ({ url: `${shopUrl}${path}`, cookies: withCookies, cpu: cpu.shop, databaseCpu: cpu.database });
  const bare = (path: string): Side => ({ url: `${bareUrl}${path}`, cookies: [], cpu: cpu.bare });
  const productPath = `/products/${product.slug}`;
  const same = await samePages(shopUrl, bareUrl, productPath);
  const measurements = [
    await compare('catalog, returning visitor', shop('/', cookies), bare('/'), { cpuTarget: ISSUE_14_TARGET }),
    await compare('product, returning visitor', shop(productPath, cookies), bare(productPath), { cpuTarget: ISSUE_14_TARGET }),
    await compare('catalog, first visit', shop('/', []), bare('/')),
  ];
  return { figures: measurements.flatMap((m) => m.figures), checks: [same, ...measurements.flatMap((m) => m.checks)] };
}
