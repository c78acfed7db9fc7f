/** Small, bounded data structures the detectors keep per key, so memory stays flat whatever the traffic. */

import { keepingLast } from '../keeping-last.js';

/**
 * A Map that keeps about the `max` most recently used entries. Two generations stand in for a true LRU list: reads
 * hit the young map, or promote from the old one; when the young map is full the old one is dropped. Every
 * operation is O(1) with no reordering, which matters at hundreds of thousands of requests a second.
 */
export class LruMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;

  constructor(readonly max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** Reads and marks as recently used. */
  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.store(key, o);
    }
    return o;
  }

  /** Reads without touching recency. */
  peek(key: K): V | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  set(key: K, value: V): void {
    if (this.young.has(key)) {
      this.young.set(key, value);
      return;
    }
    this.old.delete(key);
    this.store(key, value);
  }

  /**
   * The value for `key`, created with `make(...args)` (and stored) when missing. Passing what `make` needs as `args`
   * spares a hot caller a closure over its own variables, which V8 would allocate on every call.
   */
  upsert<A extends unknown[]>(key: K, make: (...args: A) => V, ...args: A): V {
    let v = this.get(key);
    if (v === undefined) {
      v = make(...args);
      this.store(key, v);
    }
    return v;
  }

  delete(key: K): void {
    this.young.delete(key);
    this.old.delete(key);
  }

  *entries(): IterableIterator<[K, V]> {
    yield* this.old.entries();
    yield* this.young.entries();
  }

  private store(key: K, value: V): void {
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

/**
 * FNV-1a with a murmur3 finalizer: fast, and well mixed even for strings that differ in their last character. The
 * last string's hash is kept: scraping, then exfiltration's sketch and distinct counter, count the same request's
 * user in turn.
 */
export const hash32 = keepingLast((s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
});

/** murmur3's finalizer: every input bit moves about half the output bits. */
function mix32(h: number): number {
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
 * reading the window sums the slots. The slots are plain arrays, not typed arrays: detectors keep one window per
 * principal that failed a login, tens of thousands of them, and each typed array of more than 64 bytes is a
 * separate allocation outside the heap (32 MB more peak memory in a replay of 1M records, and slower).
 */
export class SlotWindow {
  private readonly counts: number[];
  private readonly starts: number[];

  constructor(
    readonly slotMs: number,
    readonly slots: number,
  ) {
    this.counts = new Array<number>(slots).fill(0);
    this.starts = new Array<number>(slots).fill(-1);
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
    const span = Math.min(this.slots, Math.ceil(spanMs / this.slotMs));
    let total = 0;
    // Counted by k, not by slot: past 2^53 a slot number plus one is the same number, and the loop would not end.
    for (let k = span - 1; k >= 0; k--) {
      const slot = last - k;
      const i = slot % this.slots;
      if (this.starts[i] === slot) total += this.counts[i]!;
    }
    return total;
  }
}

const ROWS = 2;
const WIDTH = 8192;

/**
 * Approximate counts per key hash over the last two slots (a count-min sketch, 2 × 8192 counters for this slot and as
 * many for the previous one): never undercounts.
 */
class RecentCounter {
  /** Each counter's pair (this slot's count, the previous slot's) side by side, so a lookup reads one cache line a row. */
  private readonly counts = new Uint32Array(ROWS * WIDTH * 2);
  private slot = -1;

  constructor(private readonly slotMs: number) {}

  /** Adds `n` for the key with hash `h` and returns its approximate total over this slot and the one before. */
  add(h: number, ts: number, n: number): number {
    const slot = Math.floor(ts / this.slotMs);
    // The slot's parity says which of a pair is current: the next slot reuses the half of two slots ago.
    const now = slot & 1;
    if (slot !== this.slot) {
      if (slot === this.slot + 1) for (let i = now; i < this.counts.length; i += 2) this.counts[i] = 0;
      else this.counts.fill(0);
      this.slot = slot;
    }
    let min = Infinity;
    for (let r = 0; r < ROWS; r++) {
      // Derive the row's index from one hash (Kirsch–Mitzenmacher double hashing).
      // A mask, not `%`: on an unsigned 32-bit value `%` is a floating-point remainder.
      const i = 2 * (r * WIDTH + ((h + Math.imul(r, (h >>> 16) | 1)) & (WIDTH - 1)));
      const c = (this.counts[i + now]! += n) + this.counts[i + 1 - now]!;
      if (c < min) min = c;
    }
    return min;
  }
}

/** 16 KiB of marks: small enough to stay in cache, few false hits below about 10,000 keys with entries. */
const FILTER_LOG2 = 17;
const FILTER_BITS = 1 << FILTER_LOG2;
/** A key's second mark, from the high bits of a remixed hash (the first is its low bits). */
const secondBit = (h: number) => Math.imul(h, 0x9e3779b1) >>> (32 - FILTER_LOG2);

/** A key's hash; a number (an ASN) is mixed as it is, without making its text. */
const hashOf = (key: string | number): number => (typeof key === 'number' ? mix32(key | 0) : hash32(key));

/**
 * An `LruMap` for keys most of which never get an entry (the addresses that failed a login, among all that log in).
 * A bitmap of the keys with entries lets lookups skip the map for all the others: a miss in a map of 100,000 keys
 * costs more than the rest of a detector's work on a request.
 */
export class SparseMap<K extends string | number, V> {
  private readonly entries: LruMap<K, V>;
  private readonly filter = new Uint32Array(FILTER_BITS / 32);
  private addedSinceRebuild = 0;

  constructor(max: number) {
    this.entries = new LruMap(max);
  }

  /** The key's entry, marked as recently used. */
  get(key: K): V | undefined {
    return this.mayHave(hashOf(key)) ? this.entries.get(key) : undefined;
  }

  /** The key's entry, recency untouched. */
  peek(key: K): V | undefined {
    return this.mayHave(hashOf(key)) ? this.entries.peek(key) : undefined;
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
    this.added(key);
  }

  /** The value for `key`, created with `make(...args)` (and stored) when missing; see `LruMap.upsert`. */
  upsert<A extends unknown[]>(key: K, make: (...args: A) => V, ...args: A): V {
    let v = this.get(key);
    if (v === undefined) this.set(key, (v = make(...args)));
    return v;
  }

  /**
   * Marks a key given an entry. Entries the map has dropped stay marked; rebuilding now and then keeps the bitmap
   * from filling up.
   */
  private added(key: K): void {
    if (++this.addedSinceRebuild > Math.max(FILTER_BITS / 32, 2 * this.entries.size)) this.rebuild();
    this.mark(hashOf(key));
  }

  private mayHave(h: number): boolean {
    return this.isMarked(h & (FILTER_BITS - 1)) && this.isMarked(secondBit(h));
  }

  private mark(h: number): void {
    this.setBit(h & (FILTER_BITS - 1));
    this.setBit(secondBit(h));
  }

  private setBit(bit: number): void {
    this.filter[bit >>> 5]! |= 1 << (bit & 31);
  }

  private isMarked(bit: number): boolean {
    return (this.filter[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  private rebuild(): void {
    this.filter.fill(0);
    for (const [key] of this.entries.entries()) this.mark(hashOf(key));
    this.addedSinceRebuild = 0;
  }
}

/**
 * State for the few busy keys among many. Every key is counted in a sketch over the last two slots; the caller gives
 * a key an entry once its count says it is busy, in a `SparseMap`.
 */
export class BusyKeys<K extends string | number, V> extends SparseMap<K, V> {
  private readonly counts: RecentCounter;

  constructor(slotMs: number, max: number) {
    super(max);
    this.counts = new RecentCounter(slotMs);
  }

  /**
   * Counts `n` (default one) for the key and returns its approximate total over about two slots. hash32 keeps the
   * last key's hash, so the count and the lookups of one visit hash the key once.
   */
  count(key: K, ts: number, n = 1): number {
    return this.counts.add(hashOf(key), ts, n);
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
