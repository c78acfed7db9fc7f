import { addEncoded, type DenseHistogram } from './histogram.js';

/** One rollup row as read from the store. */
export interface RollupRow {
  bucket: number;
  runs: number;
  ok: number;
  latRuns: number;
  latSumUs: number;
  /** Encoded latency histogram; read for hour rows only. */
  hist: Uint8Array | null;
}

/** Numbers per row: bucket, runs, ok, latRuns, latSumUs, and where the row's histogram bytes end. */
const WIDTH = 6;
const HIST_END = 5;

/**
 * One check's rollup rows of a window, packed into two typed arrays. The history keeps a year of a thousand checks'
 * rows between requests; as one object per row they were 15 MB of small objects that every full collection marked,
 * which made the API's slowest answers slow. Packed, the collector has two objects per check to look at.
 */
export class RollupRows {
  static readonly EMPTY = new RollupRows(new Float64Array(0), new Uint8Array(0));

  private constructor(
    private readonly values: Float64Array,
    private readonly hists: Uint8Array,
  ) {}

  static of(rows: readonly RollupRow[]): RollupRows {
    const values = new Float64Array(rows.length * WIDTH);
    const hists = new Uint8Array(rows.reduce((n, r) => n + (r.hist?.length ?? 0), 0));
    let end = 0;
    rows.forEach((r, i) => {
      const o = i * WIDTH;
      values[o] = r.bucket;
      values[o + 1] = r.runs;
      values[o + 2] = r.ok;
      values[o + 3] = r.latRuns;
      values[o + 4] = r.latSumUs;
      if (r.hist) {
        hists.set(r.hist, end);
        end += r.hist.length;
      }
      values[o + HIST_END] = end;
    });
    return new RollupRows(values, hists);
  }

  get length(): number {
    return this.values.length / WIDTH;
  }

  bucket(i: number): number {
    return this.values[i * WIDTH]!;
  }

  runs(i: number): number {
    return this.values[i * WIDTH + 1]!;
  }

  ok(i: number): number {
    return this.values[i * WIDTH + 2]!;
  }

  latRuns(i: number): number {
    return this.values[i * WIDTH + 3]!;
  }

  latSumUs(i: number): number {
    return this.values[i * WIDTH + 4]!;
  }

  /** Adds every row's histogram to `dense`, `weight` times (−1 takes them out again). */
  addHistogramsTo(dense: DenseHistogram, weight = 1): DenseHistogram {
    let start = 0;
    for (let o = HIST_END; o < this.values.length; o += WIDTH) {
      const end = this.values[o]!;
      if (end > start) addEncoded(dense, this.hists.subarray(start, end), weight);
      start = end;
    }
    return dense;
  }

  /** The rows whose bucket passes `keep`, in their order. */
  filter(keep: (bucket: number) => boolean): RollupRows {
    const kept: RollupRow[] = [];
    for (let i = 0; i < this.length; i++) if (keep(this.bucket(i))) kept.push(this.row(i));
    return kept.length === this.length ? this : RollupRows.of(kept);
  }

  /** These rows, then `more`. */
  concat(more: RollupRows): RollupRows {
    if (more.length === 0) return this;
    if (this.length === 0) return more;
    const values = new Float64Array(this.values.length + more.values.length);
    values.set(this.values);
    values.set(more.values, this.values.length);
    for (let o = this.values.length + HIST_END; o < values.length; o += WIDTH) values[o]! += this.hists.length;
    const hists = new Uint8Array(this.hists.length + more.hists.length);
    hists.set(this.hists);
    hists.set(more.hists, this.hists.length);
    return new RollupRows(values, hists);
  }

  private row(i: number): RollupRow {
    const start = i === 0 ? 0 : this.values[i * WIDTH - WIDTH + HIST_END]!;
    const end = this.values[i * WIDTH + HIST_END]!;
    return { bucket: this.bucket(i), runs: this.runs(i), ok: this.ok(i), latRuns: this.latRuns(i), latSumUs: this.latSumUs(i), hist: end > start ? this.hists.subarray(start, end) : null };
  }
}
