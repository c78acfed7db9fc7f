import { describe, expect, it } from 'vitest';
import { TopK } from '../../src/detect/top-k.js';
import { Prng } from '../../src/simulate/prng.js';

/** Space-saving as written in the paper: evict the first key, in insertion order, with the smallest count. */
function referenceCounts(stream: string[], capacity: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of stream) {
    const c = counts.get(key);
    if (c !== undefined) counts.set(key, c + 1);
    else if (counts.size < capacity) counts.set(key, 1);
    else {
      let minKey = '';
      let min = Infinity;
      for (const [k, v] of counts) {
        if (v < min) {
          min = v;
          minKey = k;
        }
      }
      counts.delete(minKey);
      counts.set(key, min + 1);
    }
  }
  return counts;
}

describe('TopK', () => {
  it('finds the heavy hitters of an attack among thousands of one-off addresses', () => {
    const top = new TopK<string>(64);
    const rng = new Prng(7);
    for (let i = 0; i < 20_000; i++) {
      const roll = rng.next();
      top.add(roll < 0.2 ? '203.0.113.7' : roll < 0.3 ? '203.0.113.8' : `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    }
    const [first, second] = top.top(2);
    expect(first!.key).toBe('203.0.113.7');
    expect(second!.key).toBe('203.0.113.8');
    // Space-saving never undercounts, and overcounts by at most the smallest count.
    expect(first!.count).toBeGreaterThanOrEqual(3_900);
    expect(first!.count).toBeLessThan(4_300);
  });

  it('evicts exactly as the scanning algorithm does, so the evidence it shows is the same', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new Prng(seed);
      // Skewed keys: a few frequent, many rare, so counts tie and grow in every pattern.
      const stream = Array.from({ length: 5_000 }, () => `k${Math.floor(rng.next() ** 3 * 500)}`);
      const top = new TopK<string>(32);
      for (const key of stream) top.add(key);
      const expected = [...referenceCounts(stream, 32)].map(([key, count]) => ({ key, count }));
      expected.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
      expect(top.top(32)).toEqual(expected);
      expect(top.size).toBe(32);
    }
  });

  it('starts over after clear', () => {
    const top = new TopK<number>(2);
    for (const asn of [1, 1, 2, 3, 3, 3]) top.add(asn);
    top.clear();
    top.add(64_500);
    expect(top.top()).toEqual([{ key: 64_500, count: 1 }]);
    top.add(64_501);
    top.add(64_502);
    expect(top.size).toBe(2);
    expect(top.top().map((c) => c.count)).toEqual([2, 1]);
  });
});
