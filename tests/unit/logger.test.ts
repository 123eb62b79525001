import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import { CapturedLogs } from '../support/log-capture';

function logged(write: (logger: ReturnType<typeof createLogger>) => void): string {
  const logs = new CapturedLogs();
  write(createLogger('info', logs));
  return logs.text;
}

describe('the logger', () => {
  it.each([
    ['at the top of a line', { hashKeys: { A1: 'SECRET-A1' }, cardNumber: 'SECRET-CARD', sessionID: 'SECRET-SID' }],
    ['one level down', { shop: { hashId: 'SECRET-HASHID', keyId: 'SECRET-KEYID' } }],
    ['two levels down', { config: { bank: { HashID: 'SECRET-HASHID', CardNo: 'SECRET-CARD' } } }],
  ])('censors secrets %s', (_where, fields) => {
    const text = logged((logger) => logger.info(fields, 'message'));

    expect(text).toContain('[redacted]');
    expect(text).not.toContain('SECRET');
  });

  it('censors secrets bound to a child logger', () => {
    expect(logged((logger) => logger.child({ password: 'SECRET-PW' }).info('message'))).not.toContain('SECRET');
    expect(logged((logger) => logger.child({ job: 'mail' }).child({ shop: { hashId: 'SECRET-HASHID' } }).info('message'))).not.toContain('SECRET');
  });

  it('censors the cookie, authorisation and X-KeyID headers of a request, and the cookies set', () => {
    const text = logged((logger) =>
      logger.info({
        req: { headers: { cookie: 'fengshou.sid=SECRET', authorization: 'Basic SECRET', 'x-keyid': 'SECRET' } },
        res: { headers: { 'set-cookie': 'fengshou.sid=SECRET' } },
      }),
    );

    expect(text).not.toContain('SECRET');
  });

  it('leaves the logged object as it was, and what holds no secret as it is', () => {
    const fields = { shop: { hashId: 'SECRET-HASHID', shopNo: 'NA0001_001' }, order: { id: 7 } };
    const text = logged((logger) => logger.info(fields, 'message'));

    expect(fields.shop.hashId).toBe('SECRET-HASHID');
    expect(JSON.parse(text)).toMatchObject({ shop: { hashId: '[redacted]', shopNo: 'NA0001_001' }, order: { id: 7 } });
  });

  it('keeps an error an error when it censors a field of it', () => {
    const error = Object.assign(new Error('bank said no'), { hashKeys: { A1: 'SECRET-A1' } });
    const line = JSON.parse(logged((logger) => logger.error({ err: error }, 'failed'))) as { err: { message: string; stack: string; hashKeys: string } };

    expect(line.err).toMatchObject({ message: 'bank said no', hashKeys: '[redacted]' });
    expect(line.err.stack).toContain('bank said no');
    expect(error.hashKeys.A1).toBe('SECRET-A1');
  });
});
