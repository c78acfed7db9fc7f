/** Small, bounded data structures the detectors keep per key, so memory stays flat whatever the traffic. */

/** A Map that keeps at most `max` entries, evicting the least recently used. */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  /** Reads and marks as recently used. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** Reads without touching recency. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (this.map.has(key)) this.map.delete(key);
    else if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, value);
  }

  /** The value for `key`, created with `make` (and stored) when missing. */
  upsert(key: K, make: () => V): V {
    let v = this.get(key);
    if (v === undefined) {
      v = make();
      this.set(key, v);
    }
    return v;
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
}

/** FNV-1a with a murmur3 finalizer: fast, and well mixed even for strings that differ in their last character. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const HLL_BITS = 10;
const HLL_M = 1 << HLL_BITS;
const HLL_ALPHA = 0.7213 / (1 + 1.079 / HLL_M);

/**
 * HyperLogLog distinct counter: 1 KiB whatever the number of items, about 3 % error. Used where exact sets would
 * grow without limit (distinct IPs and users of a rotating attack pool).
 */
export class Hll {
  readonly registers = new Uint8Array(HLL_M);

  add(item: string): void {
    const h = hash32(item);
    const idx = h >>> (32 - HLL_BITS);
    const rank = Math.clz32(((h << HLL_BITS) | (1 << (HLL_BITS - 1))) >>> 0) + 1;
    if (rank > this.registers[idx]!) this.registers[idx] = rank;
  }

  merge(other: Hll): this {
    for (let i = 0; i < HLL_M; i++) if (other.registers[i]! > this.registers[i]!) this.registers[i] = other.registers[i]!;
    return this;
  }

  count(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_M; i++) {
      const r = this.registers[i]!;
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    const estimate = (HLL_ALPHA * HLL_M * HLL_M) / sum;
    if (estimate <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros));
    return Math.round(estimate);
  }
}

/**
 * Counts over a sliding window made of fixed slots (a 15-minute window of 15 one-minute slots): adding is O(1),
 * reading the window sums the slots.
 */
export class SlotWindow {
  private readonly counts: Float64Array;
  private readonly starts: Float64Array;

  constructor(
    readonly slotMs: number,
    readonly slots: number,
  ) {
    this.counts = new Float64Array(slots);
    this.starts = new Float64Array(slots).fill(-1);
  }

  add(ts: number, n = 1): void {
    const slot = Math.floor(ts / this.slotMs);
    const i = slot % this.slots;
    if (this.starts[i] !== slot) {
      this.starts[i] = slot;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
  }

  /** Sum of the slots within the last `spanMs` (the whole window by default) before `now`. */
  sum(now: number, spanMs = this.slotMs * this.slots): number {
    const last = Math.floor(now / this.slotMs);
    const first = last - Math.ceil(spanMs / this.slotMs) + 1;
    let total = 0;
    for (let i = 0; i < this.slots; i++) {
      const s = this.starts[i]!;
      if (s >= first && s <= last) total += this.counts[i]!;
    }
    return total;
  }
}

/** Exponentially weighted moving average with a count of samples, so a detector knows when it has learned enough. */
export class Ewma {
  value = 0;
  samples = 0;

  constructor(readonly alpha: number) {}

  update(x: number): number {
    this.value = this.samples === 0 ? x : this.value + this.alpha * (x - this.value);
    this.samples++;
    return this.value;
  }

  toJSON(): { value: number; samples: number } {
    return { value: this.value, samples: this.samples };
  }

  restore(s: { value: number; samples: number } | undefined): void {
    if (s) {
      this.value = s.value;
      this.samples = s.samples;
    }
  }
}

/**
 * Poisson upper tail P(X ≥ k) for mean λ, for telling a real rise in rare errors from noise at low volume. Only the
 * tail above the mean matters here (below it nothing is significant), so it is summed upward from k in log space,
 * which stays exact for large λ.
 */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  if (k <= lambda) return 1;
  let logTerm = -lambda + k * Math.log(lambda) - logFactorial(k);
  let sum = 0;
  for (let i = k; i < k + 10_000; i++) {
    const term = Math.exp(logTerm);
    sum += term;
    if (term < sum * 1e-12) break;
    logTerm += Math.log(lambda / (i + 1));
  }
  return Math.min(1, sum);
}

/** ln(n!) by Stirling's series; exact to double precision for the sizes used here. */
function logFactorial(n: number): number {
  if (n < 2) return 0;
  if (n < 20) {
    let f = 0;
    for (let i = 2; i <= n; i++) f += Math.log(i);
    return f;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}
