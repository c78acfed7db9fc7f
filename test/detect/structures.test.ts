import { describe, expect, it } from 'vitest';
import { BusyKeys, hash32, SlotWindow, SparseMap } from '../../src/detect/structures.js';

describe('SlotWindow', () => {
  it('sums the slots within the span before now and forgets older ones', () => {
    const w = new SlotWindow(60_000, 15);
    const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);
    w.add(t0, 2);
    w.add(t0 + 60_000, 3);
    w.add(t0 + 14 * 60_000, 1);
    expect(w.sum(t0 + 14 * 60_000)).toBe(6);
    expect(w.sum(t0 + 14 * 60_000, 60_000)).toBe(1);
    expect(w.sum(t0 + 15 * 60_000)).toBe(4);
    expect(w.sum(t0 + 60 * 60_000)).toBe(0);
  });

  it('ends for times past 2^53 slots, where adding one to a slot number changes nothing', () => {
    const w = new SlotWindow(60_000, 15);
    w.add(1e308);
    expect(w.sum(1e308)).toBeGreaterThanOrEqual(0);
  });
});

describe('hash32', () => {
  it('gives a string the same hash whether it was the last one hashed or not, and different strings different ones', () => {
    const a = hash32('user1@example.com');
    const b = hash32('user2@example.com');
    expect(hash32('user1@example.com')).toBe(a);
    expect(hash32(['user2', 'example.com'].join('@'))).toBe(b);
    expect(a).not.toBe(b);
    expect(hash32('user1@example.com')).toBe(a);
    expect(Number.isInteger(a) && a >= 0 && a < 2 ** 32).toBe(true);
  });
});

describe('SparseMap', () => {
  it('creates an entry once, finds it by get and peek, and answers undefined for keys never set', () => {
    const map = new SparseMap<string, { n: number }>(1_000);
    let made = 0;
    const a = map.upsert('ip:203.0.113.7', () => ({ n: ++made }));
    expect(map.upsert('ip:203.0.113.7', () => ({ n: ++made }))).toBe(a);
    expect(made).toBe(1);
    expect(map.peek('ip:203.0.113.7')).toBe(a);
    expect(map.get('ip:203.0.113.7')).toBe(a);
    expect(map.peek('ip:203.0.113.8')).toBeUndefined();
    expect(map.get('net:203.0.113.0/24')).toBeUndefined();
  });

  it('keeps about the most recent entries and still finds every kept one after its marks are rebuilt', () => {
    const map = new SparseMap<number, number>(2_000);
    for (let i = 0; i < 50_000; i++) map.set(i, i * 2);
    expect(map.peek(0)).toBeUndefined();
    for (let i = 49_000; i < 50_000; i++) expect(map.peek(i)).toBe(i * 2);
  });
});

describe('BusyKeys', () => {
  const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);

  it('counts every key over about two slots without undercounting, and forgets older slots', () => {
    const keys = new BusyKeys<string, number>(60_000, 1_000);
    for (let i = 0; i < 5_000; i++) keys.count(`10.0.${i >> 8}.${i & 255}`, t0);
    for (let i = 0; i < 7; i++) keys.count('203.0.113.7', t0 + 30_000);
    expect(keys.count('203.0.113.7', t0 + 61_000)).toBeGreaterThanOrEqual(8);
    expect(keys.count('203.0.113.7', t0 + 180_000)).toBe(1);
  });

  it('keeps this slot and the one before as slots follow each other, and drops the one before that', () => {
    const keys = new BusyKeys<string, number>(60_000, 1_000);
    const key = '198.51.100.4';
    keys.count(key, t0, 5);
    expect(keys.count(key, t0 + 60_000, 3)).toBe(8);
    expect(keys.count(key, t0 + 120_000, 2)).toBe(5);
    expect(keys.count(key, t0 + 180_000, 1)).toBe(3);
    expect(keys.count(key, t0 + 240_000)).toBe(2);
  });

  it('finds the keys given entries and no others, also after many have been dropped and the marks rebuilt', () => {
    const keys = new BusyKeys<string | number, string>(60_000, 10_000);
    for (let i = 0; i < 100_000; i++) keys.set(`user${i}@example.com`, `entry ${i}`);
    keys.set(64_500, 'an ASN');
    expect(keys.get('user99999@example.com')).toBe('entry 99999');
    expect(keys.peek(64_500)).toBe('an ASN');
    expect(keys.get('user0@example.com')).toBeUndefined();
    let found = 0;
    for (let i = 0; i < 10_000; i++) if (keys.peek(`stranger${i}@example.com`) !== undefined) found++;
    expect(found).toBe(0);
  });
});
