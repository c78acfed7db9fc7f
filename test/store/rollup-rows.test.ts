import { describe, expect, it } from 'vitest';
import { addEncoded, denseHistogram, encode, record, type Histogram } from '../../src/store/histogram.js';
import { RollupRows, type RollupRow } from '../../src/store/rollup-rows.js';

const histOf = (...ms: number[]) => {
  const h: Histogram = new Map();
  for (const v of ms) record(h, v);
  return encode(h);
};

const row = (bucket: number, hist: Uint8Array | null): RollupRow => ({ bucket, runs: bucket % 7, ok: bucket % 5, latRuns: 2, latSumUs: bucket * 1e6, hist });
/** The histograms summed one by one, without packing. */
const dense = (...hists: Uint8Array[]) => hists.reduce((sum, h) => addEncoded(sum, h), denseHistogram());

describe('RollupRows', () => {
  const rows = [row(3600, histOf(10, 12)), row(7200, null), row(10800, histOf(40)), row(14400, histOf(5, 5, 900))];

  it('gives back every field of every row', () => {
    const packed = RollupRows.of(rows);
    expect(packed.length).toBe(4);
    expect(Array.from({ length: 4 }, (_, i) => [packed.bucket(i), packed.runs(i), packed.ok(i), packed.latRuns(i), packed.latSumUs(i)])).toEqual(
      rows.map((r) => [r.bucket, r.runs, r.ok, r.latRuns, r.latSumUs]),
    );
    expect(RollupRows.EMPTY.length).toBe(0);
  });

  it('adds and takes out the histograms of its rows, rows without one included', () => {
    const packed = RollupRows.of(rows);
    const sum = packed.addHistogramsTo(denseHistogram());
    expect(sum.reduce((a, b) => a + b, 0)).toBe(6);
    expect(sum).toEqual(dense(rows[0]!.hist!, rows[2]!.hist!, rows[3]!.hist!));
    expect(packed.addHistogramsTo(sum, -1).every((c) => c === 0)).toBe(true);
  });

  it('keeps histograms with their rows when filtered and joined', () => {
    const packed = RollupRows.of(rows);
    const late = packed.filter((b) => b >= 10800);
    const early = packed.filter((b) => b < 10800);
    expect([late.length, early.length]).toEqual([2, 2]);
    expect(late.bucket(0)).toBe(10800);
    expect(late.addHistogramsTo(denseHistogram())).toEqual(dense(rows[2]!.hist!, rows[3]!.hist!));
    const joined = early.concat(late);
    expect(Array.from({ length: 4 }, (_, i) => joined.bucket(i))).toEqual(rows.map((r) => r.bucket));
    expect(joined.addHistogramsTo(denseHistogram())).toEqual(packed.addHistogramsTo(denseHistogram()));
    expect(packed.filter(() => true)).toBe(packed);
    expect(RollupRows.EMPTY.concat(late)).toBe(late);
  });
});
