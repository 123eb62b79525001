// In production the shop serves only what reached it over HTTPS, as its trusted proxy says: a
// plain-HTTP page would set Secure cookies the browser drops (the cart kept, the session lost).
// GETs go to the public https origin, anything else is refused, every time logged with what to
// fix; the health checks and /metrics stay on plain HTTP for balancers and scrapers.
import session from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { SinopacClient } from '../../src/sinopac/client';
import { CapturedLogs } from '../support/log-capture';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

function productionApp(options: { trustProxy?: number | string[]; publicBaseUrl?: string } = {}) {
  const logs = new CapturedLogs();
  const app = createApp({
    db: database.db,
    // Never called: no request here reaches a payment.
    sinopac: new SinopacClient({ apiUrl: 'https://bank.invalid/api', shopNo: 'NA0249_001', hashKeys: { A1: '0123456789ABCDEF', A2: '0123456789ABCDEF', B1: '0123456789ABCDEF', B2: '0123456789ABCDEF' }, timeoutMs: 1_000 }),
    logger: createLogger('info', logs),
    clock: () => new Date(),
    sessionStore: new session.MemoryStore(),
    metrics: createMetrics({ processMetrics: false }),
    settings: {
      production: true,
      sessionSecret: 'https-only-secret',
      publicBaseUrl: options.publicBaseUrl ?? 'https://shop.example.tw',
      bankOrigins: ['https://bank.invalid'],
      atmExpireDays: 3,
      cardExpMinutes: 10,
      trustProxy: options.trustProxy,
    },
  });
  return { app, logs };
}

describe('a production shop behind its HTTPS proxy', () => {
  it('sends a plain-HTTP GET to the same path on the public https origin, setting no cookie, and says why in the log', async () => {
    const { app, logs } = productionApp();
    const response = await request(app).get('/products/tea?x=1');

    expect(response.status).toBe(307);
    expect(response.headers.location).toBe('https://shop.example.tw/products/tea?x=1');
    expect(response.headers['set-cookie']).toBeUndefined();
    const warning = logs.entries().find((entry) => entry.level === 40);
    expect(warning?.msg).toMatch(/plain HTTP refused: .*X-Forwarded-Proto: https.*TRUST_PROXY/);
    expect(warning).toMatchObject({ method: 'GET', path: '/products/tea' });
  });

  it('refuses a plain-HTTP POST outright: no cart cookie without its session', async () => {
    const { app, logs } = productionApp();
    const response = await request(app).post('/cart/items').type('form').send({ productId: 1, quantity: 1 });

    expect(response.status).toBe(403);
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(logs.text).toContain('plain HTTP refused');
  });

  it('serves what the trusted proxy marks as HTTPS', async () => {
    const { app } = productionApp();
    const response = await request(app).get('/').set('X-Forwarded-Proto', 'https');

    expect(response.status).toBe(200);
    expect(([] as string[]).concat(response.headers['set-cookie'] ?? []).join('\n')).toMatch(/; Secure/);
  });

  it('does not believe X-Forwarded-Proto from a proxy it was not told to trust', async () => {
    // supertest connects from loopback: trusting only 10.0.0.1 leaves the header unbelieved.
    const { app } = productionApp({ trustProxy: ['10.0.0.1'] });
    const response = await request(app).get('/').set('X-Forwarded-Proto', 'https');

    expect(response.status).toBe(307);
  });

  it('believes the nearest hop when TRUST_PROXY is a hop count', async () => {
    const { app } = productionApp({ trustProxy: 1 });
    const response = await request(app).get('/').set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', '203.0.113.9');

    expect(response.status).toBe(200);
  });

  it.each(['/healthz', '/readyz', '/metrics'])('answers %s over plain HTTP, for balancers and scrapers', async (path) => {
    const { app, logs } = productionApp();
    const response = await request(app).get(path);

    expect(response.status).toBe(200);
    expect(logs.text).not.toContain('plain HTTP refused');
  });

  it('serves plain HTTP when the public origin itself is plain loopback, as the benchmark runs it', async () => {
    const { app } = productionApp({ publicBaseUrl: 'http://127.0.0.1:3000' });
    expect((await request(app).get('/')).status).toBe(200);
  });
});
