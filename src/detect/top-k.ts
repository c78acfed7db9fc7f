import type { Counted } from '../correlate/signal.js';

/**
 * Heavy hitters with bounded memory (the space-saving algorithm): the top IPs or users of an attack, to show as
 * evidence, whatever the size of the pool.
 */
export class TopK<T extends string | number> {
  private readonly counts = new Map<T, number>();
  /**
   * The keys that had the smallest count at the last scan, oldest first, and that count. Counts only grow and a new
   * key enters above the smallest, so a listed key still at that count is a smallest one: an attack's stream of new
   * keys evicts in O(1) instead of scanning every key each time.
   */
  private lowest: T[] = [];
  private nextLowest = 0;
  private lowestCount = 0;

  constructor(private readonly capacity = 64) {}

  add(key: T, n = 1): void {
    const c = this.counts.get(key);
    if (c !== undefined) {
      this.counts.set(key, c + n);
      return;
    }
    if (this.counts.size < this.capacity) {
      this.counts.set(key, n);
      return;
    }
    const evicted = this.smallest();
    this.counts.delete(evicted);
    this.counts.set(key, this.lowestCount + n);
  }

  /** The oldest key with the smallest count, as a scan in insertion order would find it. */
  private smallest(): T {
    for (;;) {
      while (this.nextLowest < this.lowest.length) {
        const k = this.lowest[this.nextLowest++]!;
        if (this.counts.get(k) === this.lowestCount) return k;
      }
      let min = Infinity;
      for (const v of this.counts.values()) if (v < min) min = v;
      this.lowest = [];
      this.nextLowest = 0;
      this.lowestCount = min;
      for (const [k, v] of this.counts) if (v === min) this.lowest.push(k);
    }
  }

  top(n = 10): Counted<T>[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  clear(): void {
    this.counts.clear();
    this.lowest = [];
    this.nextLowest = 0;
  }

  get size(): number {
    return this.counts.size;
  }
}
