import type { Counted } from '../correlate/signal.js';

/**
 * Heavy hitters with bounded memory (the space-saving algorithm): the top IPs or users of an attack, to show as
 * evidence, whatever the size of the pool.
 */
export class TopK<T extends string | number> {
  private readonly counts = new Map<T, number>();

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
    let minKey: T | undefined;
    let min = Infinity;
    for (const [k, v] of this.counts) {
      if (v < min) {
        min = v;
        minKey = k;
      }
    }
    this.counts.delete(minKey!);
    this.counts.set(key, min + n);
  }

  top(n = 10): Counted<T>[] {
    return [...this.counts.entries()]
      .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
      .slice(0, n)
      .map(([key, count]) => ({ key, count }));
  }

  clear(): void {
    this.counts.clear();
  }

  get size(): number {
    return this.counts.size;
  }
}
