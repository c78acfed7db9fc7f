import { ipv4Number, ipv4Text } from '../ip-address.js';
import { LruMap } from './structures.js';

/** What the traffic history keeps per client address. */
export interface AddressRecord {
  /** When its first normal request came (Infinity while it has only failed). */
  first: number;
  ok: number;
  failed: number;
}

/** An entry is four numbers in a row: its key, then the record's fields. */
const STRIDE = 4;
const FIRST = 1;
const OK = 2;
const FAILED = 3;
const MIN_SLOTS = 1024;
/** IPv4 keys are the signed 32-bit address moved up to 1 or more, so a zero key marks an empty slot. */
const IPV4_BIAS = 2 ** 31 + 1;
/** Other addresses (IPv6) are given ids from here up, above every IPv4 key. */
const OTHER_IDS_FROM = 2 ** 33;

/** One generation: open addressing with linear probing over a Float64Array, grown by doubling. */
class Generation {
  data = new Float64Array(MIN_SLOTS * STRIDE);
  size = 0;
  private shift = 32 - Math.log2(MIN_SLOTS);

  /** The offset of the key's entry, or of the empty slot where it would go. */
  locate(key: number): number {
    const mask = this.data.length / STRIDE - 1;
    // Fibonacci hashing of the key's low 32 bits, which are all distinct for IPv4 keys.
    for (let i = Math.imul(key | 0, 0x9e3779b1) >>> this.shift; ; i = (i + 1) & mask) {
      const k = this.data[i * STRIDE]!;
      if (k === key || k === 0) return i * STRIDE;
    }
  }

  /** Adds an entry at the empty slot `at` (from `locate`) and returns where it ended up. */
  insert(at: number, key: number, first: number, ok: number, failed: number): number {
    this.write(at, key, first, ok, failed);
    if (++this.size * 2 <= this.data.length / STRIDE) return at;
    this.grow();
    return this.locate(key);
  }

  /** Every entry as (key, offset). */
  *offsets(): IterableIterator<[number, number]> {
    for (let at = 0; at < this.data.length; at += STRIDE) if (this.data[at] !== 0) yield [this.data[at]!, at];
  }

  private write(at: number, key: number, first: number, ok: number, failed: number): void {
    this.data[at] = key;
    this.data[at + FIRST] = first;
    this.data[at + OK] = ok;
    this.data[at + FAILED] = failed;
  }

  private grow(): void {
    const old = this.data;
    this.data = new Float64Array(old.length * 2);
    this.shift--;
    for (let at = 0; at < old.length; at += STRIDE) {
      if (old[at] !== 0) this.write(this.locate(old[at]!), old[at]!, old[at + FIRST]!, old[at + OK]!, old[at + FAILED]!);
    }
  }
}

/**
 * The traffic history's record per client address, for about the `max` most recently used addresses, in typed
 * arrays instead of a Map of objects. An entry is one run of four numbers, so a lookup among 100,000 addresses
 * touches one cache line, where a Map and its record objects touched three or four: that lookup had cost more than
 * a detector's whole work on a request. Two generations stand in for an LRU list, as in `LruMap`. Entries are
 * addressed by offsets, valid until the next `find` or `add`.
 */
export class AddressRecords {
  private young = new Generation();
  private old = new Generation();
  private readonly half: number;
  /** Ids for addresses that are not IPv4; an address whose id is dropped is new again, as if its entry were. */
  private readonly otherIds: LruMap<string, number>;
  private nextId = OTHER_IDS_FROM;

  constructor(max: number) {
    this.half = Math.max(1, Math.floor(max / 2));
    this.otherIds = new LruMap(max);
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The offset of the address's entry, or -1; an entry found in the old generation moves to the young one. */
  find(ip: string): number {
    const key = this.keyOf(ip);
    if (key === undefined) return -1;
    const at = this.young.locate(key);
    if (this.young.data[at] !== 0) return at;
    const was = this.old.locate(key);
    const d = this.old.data;
    return d[was] === 0 ? -1 : this.store(key, d[was + FIRST]!, d[was + OK]!, d[was + FAILED]!);
  }

  /** Adds an address that `find` did not find, and returns its entry's offset. */
  add(ip: string, record: AddressRecord): number {
    let key = this.keyOf(ip);
    if (key === undefined) {
      key = this.nextId++;
      this.otherIds.set(ip, key);
    }
    return this.store(key, record.first, record.ok, record.failed);
  }

  first(at: number): number {
    return this.young.data[at + FIRST]!;
  }

  ok(at: number): number {
    return this.young.data[at + OK]!;
  }

  failed(at: number): number {
    return this.young.data[at + FAILED]!;
  }

  setFirst(at: number, ts: number): void {
    this.young.data[at + FIRST] = ts;
  }

  countOk(at: number): void {
    this.young.data[at + OK]!++;
  }

  countFailed(at: number): void {
    this.young.data[at + FAILED]!++;
  }

  /** Every address with its record, least recently used first (the old generation, then the young one). */
  *entries(): IterableIterator<[string, AddressRecord]> {
    const other = new Map<number, string>();
    for (const [ip, id] of this.otherIds.entries()) other.set(id, ip);
    const young = this.young;
    for (const generation of [this.old, young]) {
      for (const [key, at] of generation.offsets()) {
        if (generation !== young && young.data[young.locate(key)] !== 0) continue;
        const ip = key >= OTHER_IDS_FROM ? other.get(key) : ipv4Text(key - IPV4_BIAS);
        const d = generation.data;
        if (ip !== undefined) yield [ip, { first: d[at + FIRST]!, ok: d[at + OK]!, failed: d[at + FAILED]! }];
      }
    }
  }

  private keyOf(ip: string): number | undefined {
    const v4 = ipv4Number(ip);
    return v4 === undefined ? this.otherIds.get(ip) : v4 + IPV4_BIAS;
  }

  private store(key: number, first: number, ok: number, failed: number): number {
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Generation();
    }
    return this.young.insert(this.young.locate(key), key, first, ok, failed);
  }
}
