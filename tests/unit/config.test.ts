import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ConfigError, estimatedSecretBits, loadConfig } from '../../src/config';
import { DEMO_SHOP } from '../../src/sandbox/demo-shop';
import { isPublicDemoValue } from '../../src/sinopac/test-environment';

const bank = {
  SINOPAC_API_URL: 'https://api.sinopac.com/funBIZ/QPay.WebAPI/api',
  SINOPAC_SHOP_NO: 'NA0249_001',
  SINOPAC_HASH_A1: '86D50DEF3EB7400E',
  SINOPAC_HASH_A2: '01FD27C09E5549E5',
  SINOPAC_HASH_B1: '9E004965F4244953',
  SINOPAC_HASH_B2: '7FB3385F414E4F91',
};

describe('configuration', () => {
  it('runs on embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ embedded: { port: 54329, dataDir: '.data/postgres' } });
    expect(config.bank.mode).toBe('embedded-sandbox');
  });

  it('talks to the bank when credentials are configured', () => {
    const config = loadConfig({ ...bank, SINOPAC_KEY_ID: 'key-1', DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/shop' });
    expect(config.bank).toMatchObject({ mode: 'remote', apiUrl: bank.SINOPAC_API_URL, credentials: { shopNo: 'NA0249_001', keyId: 'key-1' } });
    expect(config.database).toEqual({ url: 'postgresql://u:p@127.0.0.1:5432/shop' });
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ ATM_EXPIRE_DAYS: '31' })).toThrow(/ATM_EXPIRE_DAYS/);
    expect(() => loadConfig({ ...bank, SINOPAC_HASH_B2: 'xyz' })).toThrow(/SINOPAC_HASH_B2/);
  });

  it('refuses half-configured bank credentials, naming what is missing', () => {
    const { SINOPAC_HASH_A2: _omitted, ...partial } = bank;
    expect(() => loadConfig(partial)).toThrow(ConfigError);
    expect(() => loadConfig(partial)).toThrow(/SINOPAC_HASH_A2/);
  });

  it('never puts a hash key value into an error message', () => {
    const secret = 'ABCDEF0123456789Z';
    try {
      loadConfig({ ...bank, SINOPAC_HASH_A1: secret });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).toMatch(/SINOPAC_HASH_A1/);
      expect(String(error)).not.toContain(secret);
    }
  });

  it('reads the bank check and ATM expiry settings, with defaults, and refuses values out of range', () => {
    expect(loadConfig({}).jobs).toEqual({ bankCheckAfterMinutes: 15, jobsEverySeconds: 60, atmExpiryGraceMinutes: 60, stockHoldMinutes: 30, maxBankQueriesPerSecond: 20 });
    expect(
      loadConfig({ BANK_CHECK_AFTER_MINUTES: '30', JOBS_EVERY_SECONDS: '10', ATM_EXPIRY_GRACE_MINUTES: '0', STOCK_HOLD_MINUTES: '45', SINOPAC_MAX_QUERIES_PER_SECOND: '5' }).jobs,
    ).toEqual({
      bankCheckAfterMinutes: 30,
      jobsEverySeconds: 10,
      atmExpiryGraceMinutes: 0,
      stockHoldMinutes: 45,
      maxBankQueriesPerSecond: 5,
    });
    expect(() => loadConfig({ SINOPAC_MAX_QUERIES_PER_SECOND: '0' })).toThrow(/SINOPAC_MAX_QUERIES_PER_SECOND/);
    expect(() => loadConfig({ BANK_CHECK_AFTER_MINUTES: '0' })).toThrow(/BANK_CHECK_AFTER_MINUTES/);
    expect(() => loadConfig({ JOBS_EVERY_SECONDS: '1' })).toThrow(/JOBS_EVERY_SECONDS/);
    expect(() => loadConfig({ ATM_EXPIRY_GRACE_MINUTES: '-5' })).toThrow(/ATM_EXPIRY_GRACE_MINUTES/);
    expect(() => loadConfig({ STOCK_HOLD_MINUTES: '1' })).toThrow(/STOCK_HOLD_MINUTES/);
  });

  it('requires a session secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
  });
});

describe('mail configuration', () => {
  it('has no SMTP server outside production, so the mail catcher takes the mail', () => {
    expect(loadConfig({}).mail).toEqual({ smtpUrl: undefined, from: '"豐收商店 Fengshou Shop" <no-reply@localhost>' });
  });


  it('takes only smtp:// and smtps:// URLs, and names the variable when not', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://smtp.example.com' })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
  });

  it('sends from MAIL_FROM, or from no-reply at the public host', () => {
    expect(loadConfig({ MAIL_FROM: 'Shop <shop@shop.example>' }).mail.from).toBe('Shop <shop@shop.example>');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://shop.example.tw' }).mail.from).toContain('<no-reply@shop.example.tw>');
  });
});

describe('production configuration', () => {
  const production = {
    NODE_ENV: 'production',
    ...bank,
    DATABASE_URL: 'postgresql://u:p@db.internal:5432/shop',
    PUBLIC_BASE_URL: 'https://shop.example.com.tw',
    SESSION_SECRET: 'c5f1a8e29b7d4036e1f2a9b8c7d6e5f40123456789abcdef0fedcba987654321',
    SMTP_URL: 'smtps://shop:pw@smtp.example.com:465',
    EINVOICE_API_URL: 'https://einvoice.ecpay.com.tw',
    EINVOICE_MERCHANT_ID: '3085340',
    EINVOICE_HASH_KEY: 'Kq7fT2mZ9xLw4RbN',
    EINVOICE_HASH_IV: 'Hd3pV8sYc1QjG6uE',
  };
  const without = (name: keyof typeof production) => Object.fromEntries(Object.entries(production).filter(([key]) => key !== name));

  it('starts when the bank, the database, the public origin and the session secret are all real', () => {
    const config = loadConfig(production);
    expect(config.bank.mode).toBe('remote');
    expect(config.database).toEqual({ url: production.DATABASE_URL });
    expect(config.mail.smtpUrl).toBe(production.SMTP_URL);
  });

  it('refuses the embedded sandbox and database, naming every missing variable at once', () => {
    let message = '';
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    for (const name of ['SINOPAC_API_URL', 'SINOPAC_SHOP_NO', 'SINOPAC_HASH_A1', 'SINOPAC_HASH_A2', 'SINOPAC_HASH_B1', 'SINOPAC_HASH_B2', 'DATABASE_URL', 'PUBLIC_BASE_URL', 'SESSION_SECRET', 'SMTP_URL']) {
      expect(message).toContain(name);
    }
  });

  it.each(['SINOPAC_API_URL', 'SINOPAC_SHOP_NO', 'SINOPAC_HASH_A1', 'SINOPAC_HASH_A2', 'SINOPAC_HASH_B1', 'SINOPAC_HASH_B2', 'DATABASE_URL', 'PUBLIC_BASE_URL', 'SESSION_SECRET', 'SMTP_URL', 'EINVOICE_API_URL', 'EINVOICE_MERCHANT_ID', 'EINVOICE_HASH_KEY', 'EINVOICE_HASH_IV'] as const)(
    'refuses to start without %s',
    (name) => {
      expect(() => loadConfig(without(name))).toThrow(new RegExp(`${name} must`));
    },
  );

  it('refuses a plain-HTTP bank API', () => {
    expect(() => loadConfig({ ...production, SINOPAC_API_URL: 'http://apisbx.sinopac.com/funBIZ/QPay.WebAPI/api' })).toThrow(/SINOPAC_API_URL must be an https/);
  });

  it('refuses a plain-HTTP public origin', () => {
    expect(() => loadConfig({ ...production, PUBLIC_BASE_URL: 'http://shop.example.com.tw' })).toThrow(/PUBLIC_BASE_URL must be an https/);
  });

  it.each([
    ['too short', 'deadbeefdeadbeefdeadbeef'],
    ['long but not random', 'x'.repeat(80)],
    ['a word repeated', 'changeme'.repeat(8)],
    ['hex digits in order, repeated', '0123456789abcdef'.repeat(4)],
    ['hex digits in order, repeated longer', '0123456789abcdef'.repeat(8)],
    ['a run of the alphabet', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'],
    ['16 random bytes', randomBytes(16).toString('hex')],
  ])('refuses a session secret that is %s', (_case, secret) => {
    expect(() => loadConfig({ ...production, SESSION_SECRET: secret })).toThrow(/SESSION_SECRET must hold 32 random bytes/);
  });

  it('accepts every one of many real openssl rand -hex 32 and -base64 32 secrets', () => {
    for (let i = 0; i < 300; i++) {
      expect(estimatedSecretBits(randomBytes(32).toString('hex'))).toBeGreaterThanOrEqual(170);
      expect(estimatedSecretBits(randomBytes(32).toString('base64'))).toBeGreaterThanOrEqual(170);
    }
    expect(loadConfig({ ...production, SESSION_SECRET: randomBytes(32).toString('hex') }).sessionSecret).toBeDefined();
  });

  it('refuses the embedded sandbox\'s public demo shop and keys, even with an https bank URL', () => {
    const demo = {
      ...production,
      SINOPAC_SHOP_NO: 'NA0001_001',
      SINOPAC_HASH_A1: '3F5A9C2E7B104D68',
      SINOPAC_HASH_A2: 'c1d8e6047a93b25f',
      SINOPAC_HASH_B1: '8B2E4F6A1C3D5E70',
      SINOPAC_HASH_B2: '0A7C9E1B3D5F2468',
    };
    let message = '';
    try {
      loadConfig(demo);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['SINOPAC_SHOP_NO', 'SINOPAC_HASH_A1', 'SINOPAC_HASH_A2', 'SINOPAC_HASH_B1', 'SINOPAC_HASH_B2']) {
      expect(message).toContain(`${name} must be the bank's, not the embedded sandbox's public demo value`);
    }
    expect(message).not.toContain('3F5A9C2E7B104D68');
    // Outside production the demo shop is what the embedded sandbox is for.
    expect(loadConfig({ ...demo, NODE_ENV: 'development' }).bank.mode).toBe('remote');
  });

  it('keeps the demo values it refuses in step with the embedded sandbox', () => {
    for (const value of [DEMO_SHOP.shopNo, ...Object.values(DEMO_SHOP.hashKeys)]) expect(isPublicDemoValue(value)).toBe(true);
    expect(isPublicDemoValue(bank.SINOPAC_HASH_A1)).toBe(false);
  });

  it.each([
    'https://apisbx.sinopac.com/funBIZ/QPay.WebAPI/api',
    'https://apisbx.sinopac.com/funBIZ-Sbx/QPay.WebAPI/api',
    'https://sandbox.sinopac.com/QPay.WebAPI/api/',
    'https://APISBX.sinopac.com/funBIZ/QPay.WebAPI/api',
  ])('refuses the bank\'s public test host %s unless the shop says it is a staging shop', (url) => {
    expect(() => loadConfig({ ...production, SINOPAC_API_URL: url })).toThrow(/SINOPAC_API_URL must be the bank's production host.*SINOPAC_ENVIRONMENT=test/);
    const staging = loadConfig({ ...production, SINOPAC_API_URL: url, SINOPAC_ENVIRONMENT: 'test' });
    expect(staging).toMatchObject({ bankTestMode: true, publishedTestCardPays: true });
    expect(loadConfig(production)).toMatchObject({ bankTestMode: false, publishedTestCardPays: false });
    expect(loadConfig({}).publishedTestCardPays).toBe(true);
  });

  it.each([
    ['smtp://shop:pw@smtp.example.com:25', false],
    ['smtp://shop:pw@smtp.example.com:587?secure=true', false],
    ['smtp://shop:pw@smtp.example.com:587?requireTLS=1', false],
    ['smtps://shop:pw@smtp.example.com:465?tls.rejectUnauthorized=false', false],
    ['smtp://shop:pw@smtp.example.com:587?requireTLS=true', true],
    ['smtps://shop:pw@smtp.example.com:465', true],
    ['smtp://relay.internal:25', true],
  ])('with a password, sends mail only over TLS: %s accepted: %s', (url, accepted) => {
    const load = () => loadConfig({ ...production, SMTP_URL: url });
    if (accepted) expect(load().mail.smtpUrl).toBe(url);
    else expect(load).toThrow(/SMTP_URL carries a password/);
  });

  it('judges METRICS_TOKEN by its randomness, not its length', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'a'.repeat(40) })).toThrow(/METRICS_TOKEN/);
    expect(() => loadConfig({ METRICS_TOKEN: '0123456789abcdef'.repeat(3) })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: randomBytes(32).toString('hex') }).metricsToken).toBeDefined();
  });

  it('accepts 32 random bytes written as base64', () => {
    expect(loadConfig({ ...production, SESSION_SECRET: 'q3Zx9+Lm2Pd7Rt/Yb0Nc4Wk8Hs1Jf6Ua5Ve3Gi7To2M=' }).sessionSecret).toBeDefined();
  });
});

describe('back-office configuration', () => {
  it('is off unless both admin variables are set', () => {
    expect(loadConfig({}).admin).toBeUndefined();
    expect(() => loadConfig({ ADMIN_USERNAME: 'owner' })).toThrow(/ADMIN_USERNAME and ADMIN_PASSWORD_HASH/);
  });

  it('takes a username and a scrypt hash, and refuses anything else as the hash', () => {
    const hash = 'scrypt:32768:8:1:c2FsdHNhbHRzYWx0c2FsdA:a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U';
    expect(loadConfig({ ADMIN_USERNAME: 'owner', ADMIN_PASSWORD_HASH: hash }).admin).toEqual({ username: 'owner', passwordHash: hash });
    expect(() => loadConfig({ ADMIN_USERNAME: 'owner', ADMIN_PASSWORD_HASH: 'hunter2' })).toThrow(/ADMIN_PASSWORD_HASH/);
  });
});

describe('e-invoice configuration', () => {
  const stage = { EINVOICE_API_URL: 'https://einvoice-stage.ecpay.com.tw', EINVOICE_MERCHANT_ID: '2000132', EINVOICE_HASH_KEY: 'ejCk326UnaZWKisg', EINVOICE_HASH_IV: 'q9jcZX8Ib9LM8wYk' };
  const production = {
    NODE_ENV: 'production',
    ...bank,
    DATABASE_URL: 'postgresql://u:p@db.internal:5432/shop',
    PUBLIC_BASE_URL: 'https://shop.example.com.tw',
    SESSION_SECRET: 'c5f1a8e29b7d4036e1f2a9b8c7d6e5f40123456789abcdef0fedcba987654321',
    SMTP_URL: 'smtps://shop:pw@smtp.example.com:465',
  };

  it('uses the embedded simulator with nothing set outside production, and none with EINVOICE=off', () => {
    expect(loadConfig({}).einvoice).toEqual({ mode: 'embedded-sandbox', timeoutMs: 15_000 });
    expect(loadConfig({ EINVOICE: 'off', ...stage }).einvoice).toEqual({ mode: 'off' });
  });

  it('talks to ECPay with the credentials given, which may be the stage ones outside production', () => {
    expect(loadConfig({ ...stage, EINVOICE_API_URL: 'https://einvoice-stage.ecpay.com.tw/', EINVOICE_TIMEOUT_MS: '5000' }).einvoice).toEqual({
      mode: 'remote',
      apiUrl: 'https://einvoice-stage.ecpay.com.tw',
      merchantId: '2000132',
      hashKey: 'ejCk326UnaZWKisg',
      hashIV: 'q9jcZX8Ib9LM8wYk',
      timeoutMs: 5000,
    });
  });

  it('refuses half the credentials and a key that is not 16 letters and digits, naming the variables', () => {
    expect(() => loadConfig({ EINVOICE_API_URL: stage.EINVOICE_API_URL, EINVOICE_MERCHANT_ID: '2000132' })).toThrow(/EINVOICE_HASH_KEY, EINVOICE_HASH_IV must be set/);
    expect(() => loadConfig({ ...stage, EINVOICE_HASH_KEY: 'short' })).toThrow(/EINVOICE_HASH_KEY: must be the 16 letters and digits/);
    expect(() => loadConfig({ EINVOICE: 'maybe' })).toThrow(/EINVOICE/);
  });

  it('refuses in production the simulator, ECPay\'s public stage merchant and its stage host, unless EINVOICE=off', () => {
    expect(() => loadConfig(production)).toThrow(/EINVOICE_MERCHANT_ID must be set \(or EINVOICE=off/);
    let message = '';
    try {
      loadConfig({ ...production, ...stage });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const name of ['EINVOICE_MERCHANT_ID', 'EINVOICE_HASH_KEY', 'EINVOICE_HASH_IV']) expect(message).toContain(`${name} must be the merchant's own, not ECPay's public stage value`);
    expect(message).toContain("EINVOICE_API_URL must be ECPay's production host");
    expect(message).not.toContain('ejCk326UnaZWKisg');
    expect(() => loadConfig({ ...production, ...stage, EINVOICE_API_URL: 'http://einvoice.ecpay.com.tw' })).toThrow(/EINVOICE_API_URL must be an https/);
    expect(loadConfig({ ...production, EINVOICE: 'off' }).einvoice).toEqual({ mode: 'off' });
  });
});
