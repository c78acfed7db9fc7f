import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { decode, encode, mergeInto, quantile, record, type Histogram } from '../../src/store/histogram.js';

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

describe('latency histogram', () => {
  it('keeps p50/p95/p99 within one bucket (about 9 %) of the exact value', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 5000 }, () => 5 + 400 * rand() ** 3);
    const h: Histogram = new Map();
    for (const v of values) record(h, v);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(quantile(h, q)! - exact) / exact, `q=${q}`).toBeLessThan(0.1);
    }
  });

  it('survives encode/decode and merging', () => {
    const a: Histogram = new Map();
    const b: Histogram = new Map();
    for (let i = 1; i <= 1000; i++) record(i % 2 ? a : b, i);
    record(a, 120_000, 300);
    const merged = mergeInto(decode(encode(a)), decode(encode(b)));
    const direct = mergeInto(new Map(a), b);
    expect(merged).toEqual(direct);
    expect(encode(new Map())).toHaveLength(0);
    expect(quantile(new Map(), 0.5)).toBeNull();
  });

  it('is merged by the hist_merge SQL function used in rollup upserts', () => {
    const db = openDatabase(':memory:');
    const a: Histogram = new Map();
    const b: Histogram = new Map();
    record(a, 10, 3);
    record(b, 10, 2);
    record(b, 200, 1);
    const merged = decode(db.prepare('SELECT hist_merge(?, ?)').pluck().get(encode(a), encode(b)) as Buffer);
    expect(merged).toEqual(mergeInto(new Map(a), b));
    expect(decode(db.prepare('SELECT hist_merge(NULL, ?)').pluck().get(encode(b)) as Buffer)).toEqual(b);
    db.close();
  });
});
