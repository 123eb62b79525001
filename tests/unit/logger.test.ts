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
});
