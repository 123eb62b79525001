import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createLogger } from '../../src/logger';
import { createExchangeAudit } from '../../src/payments/exchange-audit';
import { parseTaipeiMinute as taipeiMinuteToDate } from '../../src/time/taipei';
import { shopperOutcome } from '../../src/orders/order-detail';
import { productNameForBank } from '../../src/sinopac/product-name';
import { newSinopacOrderNo } from '../../src/sinopac/order-no';
import { taipeiDayAfter } from '../../src/time/taipei';

describe('the product name sent to the bank', () => {
  it('starts with the order number, then lists the lines with their quantities', () => {
    expect(productNameForBank([{ name: '烏龍茶', quantity: 2 }, { name: '鳳梨酥', quantity: 1 }], 'FS1')).toBe('FS1 烏龍茶 x2, 鳳梨酥');
  });

  it('fits in 60 UTF-8 bytes without cutting a character or the order number', () => {
    const name = productNameForBank([{ name: '阿里山高山烏龍茶禮盒'.repeat(3), quantity: 1 }], 'FS1');
    expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(60);
    expect(name).toBe('FS1 阿里山高山烏龍茶禮盒阿里山高山烏龍…');
  });

  it('leaves out the characters the bank refuses', () => {
    expect(productNameForBank([{ name: `"100%" Tom's\tjam`, quantity: 1 }], 'FS1')).toBe('FS1 100 Toms jam');
  });

  it('falls back to the order number when no line has a usable name', () => {
    expect(productNameForBank([{ name: '%%', quantity: 1 }], 'FS20260301ABCD')).toBe('FS20260301ABCD');
  });
});

describe('Taipei calendar days', () => {
  it('counts from the Taipei date, which is a day ahead of UTC in the evening', () => {
    expect(taipeiDayAfter(new Date('2026-03-01T16:00:00Z'), 3)).toEqual({
      yyyyMMdd: '20260305',
      endsAt: new Date('2026-03-05T15:59:59.999Z'),
    });
    expect(taipeiDayAfter(new Date('2026-03-01T15:59:59Z'), 3).yyyyMMdd).toBe('20260304');
  });

  it('reads the bank’s yyyyMMddHHmm as Taipei time and rejects impossible dates', () => {
    expect(taipeiMinuteToDate('202603010958')).toEqual(new Date('2026-03-01T01:58:00Z'));
    expect(taipeiMinuteToDate('202602301200')).toBeUndefined();
    expect(taipeiMinuteToDate('')).toBeUndefined();
  });
});

it('makes OrderNos the bank accepts, in the shape documented, never ending in 9', () => {
  const numbers = Array.from({ length: 500 }, () => newSinopacOrderNo(new Date('2026-03-01T16:00:00Z')));
  for (const orderNo of numbers) expect(orderNo).toMatch(/^FSP260302[0-9A-Z]{15}[A-HJ-NP-Z]$/);
  expect(new Set(numbers).size).toBe(500);
});

describe('what the shopper is told', () => {
  it.each([
    ['awaiting_payment', ['pending'], 'pending'],
    ['awaiting_payment', ['failed', 'pending'], 'pending'],
    ['awaiting_payment', ['failed'], 'failure'],
    ['awaiting_payment', ['create_failed'], 'failure'],
    ['awaiting_payment', [], 'failure'],
    ['paid', ['failed', 'paid'], 'success'],
    ['awaiting_payment', ['paid', 'failed'], 'success'],
  ] as const)('order %s with attempts %j: %s', (status, attempts, expected) => {
    expect(shopperOutcome({ status }, attempts.map((s) => ({ status: s })))).toBe(expected);
  });
});

describe('the gateway audit', () => {
  it('logs a row it cannot write instead of throwing into the bank call', async () => {
    const lines: string[] = [];
    const logger = createLogger('error', new Writable({ write: (chunk, _enc, done) => void (lines.push(String(chunk)), done()) }));
    const audit = createExchangeAudit({ pool: { query: () => Promise.reject(new Error('database down')) }, logger });

    expect(() =>
      audit.record({ service: 'OrderCreate', orderNo: 'FSP1', request: {}, response: undefined, durationMs: 5, outcome: 'ok' }),
    ).not.toThrow();
    await audit.flush();

    expect(lines.join('')).toContain('could not write the gateway audit row');
  });

  it('strips members named like secrets, however deep, and masks card digits', async () => {
    const created: unknown[] = [];
    // The insert's parameters, in order: service, orderNo, then the request and response JSON.
    const query = (_sql: string, [, , request, response]: string[]) =>
      Promise.resolve(void created.push({ request: JSON.parse(request!), response: JSON.parse(response!) }));
    const audit = createExchangeAudit({ pool: { query } as unknown as Pick<pg.Pool, 'query'>, logger: createLogger('silent') });

    audit.record({
      service: 'OrderPayQuery',
      request: { ShopNo: 'NA1', PayToken: 'tok', Nonce: 'n', Sign: 's' },
      response: { Status: 'S', TSResultContent: { RightCCNo: '3145', CCToken: 'secret', HashID: 'x' } },
      durationMs: 3,
      outcome: 'ok',
    });
    await audit.flush();

    expect(created).toMatchObject([{ request: { ShopNo: 'NA1', PayToken: 'tok' }, response: { Status: 'S', TSResultContent: { RightCCNo: '****' } } }]);
    expect(JSON.stringify(created)).not.toMatch(/Nonce|Sign|CCToken|HashID/);
  });
});
