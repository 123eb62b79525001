// HOST and TRUST_PROXY: where the shop listens and whose forwarded headers it believes.
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

it('listens on loopback and trusts only a loopback proxy unless told otherwise', () => {
  const config = loadConfig({});
  expect(config.host).toBe('127.0.0.1');
  expect(config.trustProxy).toEqual(['loopback']);
});

it('takes a hop count, or addresses, CIDR blocks and the names Express knows', () => {
  expect(loadConfig({ HOST: '0.0.0.0', TRUST_PROXY: '1' })).toMatchObject({ host: '0.0.0.0', trustProxy: 1 });
  expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8,192.0.2.7' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.7']);
  expect(loadConfig({ TRUST_PROXY: 'uniquelocal' }).trustProxy).toEqual(['uniquelocal']);
});

it('refuses a proxy setting Express would misread, naming TRUST_PROXY', () => {
  expect(() => loadConfig({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY: "nginx" is not an address or CIDR block/);
  expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
});
