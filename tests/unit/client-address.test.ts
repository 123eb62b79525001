import { describe, expect, it } from 'vitest';
import { clientAddressKey } from '../../src/web/client-address';

describe('the client address a per-address limit counts under', () => {
  it('is an IPv4 address itself, and the IPv4 address inside an IPv4-mapped IPv6 address', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::FFFF:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, normalised, so every address of one /64 shares a key', () => {
    expect(clientAddressKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:DB8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientAddressKey('2001:0:0:0:1::')).toBe('2001::/64');
  });

  it('keeps neighbouring /64s (and so the /56 around them) apart', () => {
    expect(clientAddressKey('2001:db8:1:2::1')).not.toBe(clientAddressKey('2001:db8:1:3::1'));
    expect(clientAddressKey('2001:db8:1:2ff::1')).not.toBe(clientAddressKey('2001:db8:1:200::1'));
  });

  it('gives a socket that has gone (no address) a key of its own', () => {
    expect(clientAddressKey(undefined)).toBe('unknown');
  });
});
