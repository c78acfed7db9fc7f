import { describe, expect, it } from 'vitest';
import { AddressRecords } from '../../src/detect/address-records.js';

const v4 = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe('AddressRecords', () => {
  it('finds only the addresses added, and keeps each one’s fields', () => {
    const records = new AddressRecords(1_000);
    expect(records.find('192.0.2.1')).toBe(-1);
    const at = records.add('192.0.2.1', { first: 1_000, ok: 0, failed: 0 });
    records.countOk(at);
    records.countOk(at);
    records.countFailed(at);
    const again = records.find('192.0.2.1');
    expect([records.first(again), records.ok(again), records.failed(again)]).toEqual([1_000, 2, 1]);
    records.setFirst(again, 500);
    expect(records.first(records.find('192.0.2.1'))).toBe(500);
    expect(records.find('192.0.2.2')).toBe(-1);
    expect(records.find('not an address')).toBe(-1);
  });

  it('tells apart the lowest and highest IPv4 addresses and IPv6 ones', () => {
    const records = new AddressRecords(1_000);
    const ips = ['0.0.0.0', '255.255.255.255', '127.0.0.1', '2001:db8::1', '2001:db8::2'];
    ips.forEach((ip, i) => records.add(ip, { first: i, ok: i, failed: 0 }));
    for (const [i, ip] of ips.entries()) expect(records.ok(records.find(ip))).toBe(i);
    expect(records.find('2001:db8::3')).toBe(-1);
    expect(new Map(records.entries())).toEqual(new Map(ips.map((ip, i) => [ip, { first: i, ok: i, failed: 0 }])));
  });

  it('grows past its first table and still finds every address', () => {
    const records = new AddressRecords(100_000);
    for (let i = 0; i < 40_000; i++) records.add(v4(i), { first: i, ok: 1, failed: 0 });
    expect(records.size).toBe(40_000);
    for (let i = 0; i < 40_000; i += 997) expect(records.first(records.find(v4(i)))).toBe(i);
    expect(records.find(v4(40_000))).toBe(-1);
  });

  it('keeps about the max most recently used addresses: used ones survive, idle ones are dropped', () => {
    const records = new AddressRecords(1_000);
    records.add('198.51.100.7', { first: 1, ok: 5, failed: 0 });
    for (let i = 0; i < 3_000; i++) {
      records.add(v4(i), { first: i, ok: 0, failed: 0 });
      if (i % 100 === 0) expect(records.find('198.51.100.7')).not.toBe(-1);
    }
    expect(records.size).toBeLessThanOrEqual(1_000);
    expect(records.ok(records.find('198.51.100.7'))).toBe(5);
    expect(records.find(v4(0))).toBe(-1);
    expect(records.find(v4(2_999))).not.toBe(-1);
  });

  it('lists an address once, with the fields of its latest copy, least recently used first', () => {
    const records = new AddressRecords(8);
    for (let i = 0; i < 4; i++) records.add(v4(i), { first: i, ok: 0, failed: 0 });
    // The young generation is full: the next address starts a new one, and finding 10.0.0.1 copies it there.
    records.add(v4(4), { first: 4, ok: 0, failed: 0 });
    records.countOk(records.find(v4(1)));
    const listed = [...records.entries()];
    const ips = listed.map(([ip]) => ip);
    expect(ips).toHaveLength(5);
    expect(new Set(ips.slice(0, 3))).toEqual(new Set([v4(0), v4(2), v4(3)]));
    expect(new Set(ips.slice(3))).toEqual(new Set([v4(4), v4(1)]));
    expect(listed.filter(([ip]) => ip === v4(1))).toEqual([[v4(1), { first: 1, ok: 1, failed: 0 }]]);
  });
});
