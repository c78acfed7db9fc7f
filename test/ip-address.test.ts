import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ipv4Number, ipv4Text, isIpAddress } from '../src/ip-address.js';

describe('ipv4Number and isIpAddress', () => {
  it('reads dotted quads as numbers and accepts IPv6 through net.isIP', () => {
    expect(ipv4Number('10.0.0.1')).toBe(167_772_161);
    expect(ipv4Number('255.255.255.255')).toBe(-1);
    expect(ipv4Number('192.0.2.1')).toBe(-1_073_741_311);
    expect(ipv4Number('0.0.0.0')).toBe(0);
    for (const ip of ['10.0.0.1', '255.255.255.255', '0.0.0.0', '203.0.113.7']) expect(ipv4Text(ipv4Number(ip)!)).toBe(ip);
    expect(isIpAddress('2001:db8::1')).toBe(true);
    expect(ipv4Number('2001:db8::1')).toBeUndefined();
  });

  it('refuses what net.isIP refuses: leading zeros, octets over 255, missing or extra parts, anything else', () => {
    for (const bad of ['01.2.3.4', '1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.', ' 1.2.3.4', '1.2.3.4\n', '', 'localhost']) {
      expect(ipv4Number(bad), bad).toBeUndefined();
      expect(isIpAddress(bad), bad).toBe(isIP(bad) !== 0);
    }
  });

  it('agrees with net.isIP on 20,000 generated strings of digits and dots', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      for (let n = 1 + Math.floor(next() * 15); n > 0; n--) s += '0123456789.'[Math.floor(next() * 11)];
      expect(ipv4Number(s) !== undefined, s).toBe(isIP(s) === 4);
    }
  });
});
