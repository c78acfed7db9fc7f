/**
 * Sparse log-bucket latency histogram. Bucket i holds latencies in [2^((i-32)/8), 2^((i-31)/8)) ms, i.e.
 * about 9 % wide, from 0.0625 ms up to days; percentiles read from merged histograms stay within that error,
 * so they survive minute → hour → day rollups. Encoded as (bucket u8, count varint) pairs, which keeps a minute
 * of a 10-second check at a few bytes.
 */
const STEPS_PER_OCTAVE = 8;
const OFFSET = 32;
const MAX_BUCKET = 255;

export type Histogram = Map<number, number>;

export function bucketOf(ms: number): number {
  if (!(ms > 0.0625)) return 0;
  return Math.min(MAX_BUCKET, Math.floor(Math.log2(ms) * STEPS_PER_OCTAVE) + OFFSET);
}

export function bucketLowerMs(bucket: number): number {
  return bucket === 0 ? 0 : 2 ** ((bucket - OFFSET) / STEPS_PER_OCTAVE);
}

export function bucketUpperMs(bucket: number): number {
  return 2 ** ((bucket + 1 - OFFSET) / STEPS_PER_OCTAVE);
}

export function record(h: Histogram, ms: number, count = 1): void {
  const b = bucketOf(ms);
  h.set(b, (h.get(b) ?? 0) + count);
}

export function mergeInto(target: Histogram, source: Histogram): Histogram {
  for (const [b, c] of source) target.set(b, (target.get(b) ?? 0) + c);
  return target;
}

export function encode(h: Histogram): Buffer {
  const buckets = [...h.keys()].sort((a, b) => a - b);
  const bytes: number[] = [];
  for (const b of buckets) {
    let c = h.get(b)!;
    if (c <= 0) continue;
    bytes.push(b);
    while (c >= 0x80) {
      bytes.push((c & 0x7f) | 0x80);
      c = Math.floor(c / 128);
    }
    bytes.push(c);
  }
  return Buffer.from(bytes);
}

/** Calls `fn` with each (bucket, count) pair of an encoded histogram; a truncated tail is ignored. */
function eachBucket(buf: Uint8Array, fn: (bucket: number, count: number) => void): void {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i++]!;
    let c = 0;
    let scale = 1;
    for (;;) {
      const byte = buf[i++];
      if (byte === undefined) return;
      c += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 128;
    }
    fn(b, c);
  }
}

export function decode(buf: Uint8Array | null | undefined, into: Histogram = new Map()): Histogram {
  if (buf) eachBucket(buf, (b, c) => into.set(b, (into.get(b) ?? 0) + c));
  return into;
}

/**
 * Adds an encoded histogram to a dense one (256 counts): the step of the SQL aggregate `hist_sum`, cheaper per row
 * than building a Map, so percentiles over a day of rollups for a thousand checks stay fast.
 */
export function addEncoded(dense: Float64Array, buf: Uint8Array | null): Float64Array {
  if (buf) eachBucket(buf, (b, c) => (dense[b]! += c));
  return dense;
}

export function fromDense(dense: Float64Array): Histogram {
  const h: Histogram = new Map();
  for (let b = 0; b < dense.length; b++) if (dense[b]! > 0) h.set(b, dense[b]!);
  return h;
}

/** Merge of two encoded histograms; registered as the SQL function `hist_merge` for rollup upserts. */
export function mergeEncoded(a: Uint8Array | null, b: Uint8Array | null): Buffer {
  return encode(decode(b, decode(a)));
}

/** The q-quantile (0..1), interpolated inside its bucket; null for an empty histogram. */
export function quantile(h: Histogram, q: number): number | null {
  let total = 0;
  for (const c of h.values()) total += c;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    const c = h.get(b)!;
    if (seen + c >= rank) {
      const within = c === 0 ? 0 : Math.max(0, rank - seen) / c;
      const lo = bucketLowerMs(b);
      return lo + (bucketUpperMs(b) - lo) * within;
    }
    seen += c;
  }
  return bucketUpperMs(MAX_BUCKET);
}
