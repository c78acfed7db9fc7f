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

/** A histogram as 256 counts indexed by bucket: cheaper than a Map when many encoded ones are summed. */
export type DenseHistogram = Float64Array;

export const denseHistogram = (): DenseHistogram => new Float64Array(MAX_BUCKET + 1);

/**
 * Adds an encoded histogram to a dense one, `weight` times (−1 takes it out again); summing a day of hourly rollups
 * for a thousand checks stays fast.
 */
export function addEncoded(dense: DenseHistogram, buf: Uint8Array | null, weight = 1): DenseHistogram {
  if (buf) eachBucket(buf, (b, c) => (dense[b]! += weight * c));
  return dense;
}

/** Merge of two encoded histograms; registered as the SQL function `hist_merge` for rollup upserts. */
export function mergeEncoded(a: Uint8Array | null, b: Uint8Array | null): Buffer {
  return encode(decode(b, decode(a)));
}

/** The q-quantile (0..1), interpolated inside its bucket; null for an empty histogram. */
export function quantile(h: Histogram, q: number): number | null {
  const dense = denseHistogram();
  for (const [b, c] of h) dense[b]! += c;
  return quantileDense(dense, q);
}

export function quantileDense(dense: DenseHistogram, q: number): number | null {
  let total = 0;
  for (let b = 0; b < dense.length; b++) total += dense[b]!;
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let b = 0; b < dense.length; b++) {
    const c = dense[b]!;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const within = Math.max(0, rank - seen) / c;
      const lo = bucketLowerMs(b);
      return lo + (bucketUpperMs(b) - lo) * within;
    }
    seen += c;
  }
  return bucketUpperMs(MAX_BUCKET);
}
