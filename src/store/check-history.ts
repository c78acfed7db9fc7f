import type { Statement } from 'better-sqlite3';
import type { CheckStateName, ErrorClass } from '../correlate/observation.js';
import { yieldToLoop } from '../event-loop.js';
import type { Db } from './database.js';
import { decode, denseHistogram, quantile, quantileDense, type DenseHistogram } from './histogram.js';
import type { CheckRecord } from './check-repository.js';
import type { ProbeResult, RaisedFinding } from './records.js';
import { RollupRows, type RollupRow } from './rollup-rows.js';

const HOUR_S = 3_600;
const DAY_S = 86_400;

/** A configured check with the state and last result the scheduler stored. */
export interface CheckStatus extends Omit<CheckRecord, 'configHash'> {
  key: number;
  state: CheckStateName;
  stateSince: number | null;
  lastRunAt: number | null;
  lastResult: (ProbeResult & { ts: number; attempts: number }) | null;
  findings: RaisedFinding[];
}

/** Runs and good runs over a window; uptime is null when nothing ran. */
export interface Availability {
  runs: number;
  ok: number;
  uptime: number | null;
}

/** Runs and good runs per day, oldest first: `runs[i]` and `ok[i]` are day i's. */
export interface DailyRuns {
  runs: number[];
  ok: number[];
}

export type UptimeWindow = '24h' | '7d' | '30d' | '90d';

export interface CheckSummary {
  uptime: Record<UptimeWindow, Availability>;
  /** Percentiles of the last 24 h, from the hourly histograms; null without answers. */
  latencyMs: { p50: number | null; p95: number | null };
}

export type HistoryStep = 'raw' | '1m' | '1h' | '1d';
export const STEP_SECONDS: Record<Exclude<HistoryStep, 'raw'>, number> = { '1m': 60, '1h': HOUR_S, '1d': DAY_S };

export interface RawPoint {
  ts: number;
  ok: boolean;
  status?: number;
  error?: ErrorClass;
  assertion?: string;
  latencyMs?: number;
  timings: { dnsMs?: number; tcpMs?: number; tlsMs?: number; firstByteMs?: number };
}

/** One bucket of a check for the latency charts: mean latency of the runs that got an answer, and availability. */
export interface LatencyPoint {
  ts: number;
  avgMs: number | null;
  uptime: number | null;
}

export interface RollupPoint extends Availability {
  ts: number;
  latencyMs: { avg: number; min: number; max: number; p50: number; p95: number; p99: number } | null;
}

interface CheckRow {
  key: number;
  id: string;
  service: string;
  kind: string;
  name: string | null;
  target: string;
  interval_ms: number;
  state: CheckStateName;
  state_since: number | null;
  last_run_at: number | null;
  last_result: string | null;
  findings: string;
}

/** Share of good runs, or null when there were none. */
export const uptimeOf = (runs: number | null, ok: number | null): number | null => (runs ? (ok ?? 0) / runs : null);

export const availability = (runs: number | null, ok: number | null): Availability => ({
  runs: runs ?? 0,
  ok: ok ?? 0,
  uptime: uptimeOf(runs, ok),
});

const ms = (us: number | null): number | undefined => (us === null ? undefined : us / 1000);

/** Start of the UTC day (seconds) `days - 1` days before the one holding `now`: the first of the last `days` days. */
export const firstDay = (now: number, days: number): number => Math.floor(now / 1000 / DAY_S) * DAY_S - (days - 1) * DAY_S;

// Kept: every check of one request or page asks for the same labels.
let calendar: { first: number; labels: string[] } | undefined;

/** Labels (YYYY-MM-DD) of the last `count` UTC days before `now`, oldest first: the days of `days()`. */
export function dayLabels(now: number, count: number): readonly string[] {
  const first = firstDay(now, count);
  if (calendar?.first !== first || calendar.labels.length !== count) {
    calendar = { first, labels: Array.from({ length: count }, (_, i) => new Date((first + i * DAY_S) * 1000).toISOString().slice(0, 10)) };
  }
  return calendar.labels;
}

/** Start of the hour (seconds) 23 hours before the one holding `now`: the first of the last 24 hours. */
export const firstHour = (now: number): number => Math.floor(now / 1000 / HOUR_S) * HOUR_S - 23 * HOUR_S;

/** Rollup rows of every check for buckets that no longer change, kept between requests. */
interface Settled {
  from: number;
  to: number;
  rows: Map<number, RollupRows>;
  /** Per check, the rows' latency histograms merged; filled as checks are asked for. */
  merged?: Map<number, DenseHistogram>;
  /**
   * Per check, runs and good runs from each cut on; filled as checks are asked for. The cuts follow from the window's
   * start (the 90 days' first day gives the 30 and 7 days' first days), so sums kept with the rows stay right.
   */
  sums?: Map<number, number[]>;
}

/** The rollup rows of a window per check: the cached settled ones (shared, never modified) and the live ones. */
interface WindowRows {
  settled: Settled;
  live: Map<number, RollupRows>;
}

/** A check's rows in the window: settled, then live. */
const rowsOf = (w: WindowRows, key: number): [RollupRows, RollupRows] => [w.settled.rows.get(key) ?? RollupRows.EMPTY, w.live.get(key) ?? RollupRows.EMPTY];

/** Live rows are read again for all checks, in one query, once more than this share of them were written. */
const LIVE_REREAD_SHARE = 0.25;

/** Checks whose settled rows are read between two turns of the event loop. */
const SETTLE_CHUNK = 50;

const CHECK_COLUMNS = 'key, id, service, kind, name, target, interval_ms, state, state_since, last_run_at, last_result, findings';

/** A copy of `base` (or an empty histogram) with the rows' histograms added `weight` times; `base` is left as it is. */
function histogramWith(base: DenseHistogram | undefined, rows: RollupRows, weight = 1): DenseHistogram {
  return rows.addHistogramsTo(base?.slice() ?? denseHistogram(), weight);
}

const EMPTY_HISTOGRAM: DenseHistogram = denseHistogram();

/** Adds the rows' runs and good runs to `sums` (pairs per cut) for every cut each row's bucket is at or after. */
function addToSums(sums: number[], cuts: readonly number[], rows: RollupRows): void {
  for (let r = 0; r < rows.length; r++) {
    for (let i = 0; i < cuts.length; i++) {
      if (rows.bucket(r) < cuts[i]!) continue;
      sums[2 * i]! += rows.runs(r);
      sums[2 * i + 1]! += rows.ok(r);
    }
  }
}

/**
 * Runs and good runs of one check from each cut on (pairs, in the order of `cuts`). Each check's settled sums are
 * kept with the settled rows; its live rows are added on every call.
 */
function windowSums(w: WindowRows, cuts: readonly number[]): (key: number) => number[] {
  const byKey = (w.settled.sums ??= new Map());
  return (key) => {
    let settled = byKey.get(key);
    if (!settled) {
      settled = new Array<number>(2 * cuts.length).fill(0);
      addToSums(settled, cuts, w.settled.rows.get(key) ?? RollupRows.EMPTY);
      byKey.set(key, settled);
    }
    const sums = settled.slice();
    addToSums(sums, cuts, w.live.get(key) ?? RollupRows.EMPTY);
    return sums;
  };
}

/** A check's settled latency histograms merged, kept for the next request; never modified by the caller. */
function mergedOf(settled: Settled, key: number): DenseHistogram {
  const rows = settled.rows.get(key);
  if (!rows) return EMPTY_HISTOGRAM;
  settled.merged ??= new Map();
  let hist = settled.merged.get(key);
  if (!hist) settled.merged.set(key, (hist = histogramWith(undefined, rows)));
  return hist;
}

/**
 * What the API, dashboard and CLI read about checks. Every window is read from rollups through the primary key
 * (check, resolution, bucket), so a summary of a thousand checks touches about 115 rows per check whatever the
 * length of the history. The joins are CROSS JOINs because that fixes SQLite's loop order (checks outside, rollups
 * searched by key inside); left to the planner, a plain join scanned every rollup row. Windows are whole buckets:
 * "24h" is the current hour and the 23 before it, "7d" today (UTC) and the six days before.
 */
export class CheckHistory {
  private readonly listStmt: Statement;
  private readonly getStmt: Statement;
  private readonly rollupStmt: Statement;
  private readonly rollupNoHistStmt: Statement;
  private readonly keysStmt: Statement;
  /** Per resolution: one window is summarized at a time (the last 90 days, the last 24 hours). */
  private readonly settled = new Map<number, Settled>();
  /** The last two buckets per resolution as last read, and the checks with runs written since (read again when asked). */
  private readonly live = new Map<number, { from: number; rows: Map<number, RollupRows>; written: Set<number> }>();
  /** Settled windows being read, per resolution; a write of old runs drops them. */
  private readonly filling = new Map<number, { from: number; to: number; token: symbol; done: Promise<Settled> }>();

  constructor(private readonly db: Db) {
    this.listStmt = db.prepare(`SELECT ${CHECK_COLUMNS} FROM checks WHERE removed_at IS NULL ORDER BY service, id`);
    this.getStmt = db.prepare(`SELECT ${CHECK_COLUMNS} FROM checks WHERE id = ? AND removed_at IS NULL`);
    this.keysStmt = db.prepare('SELECT key FROM checks WHERE removed_at IS NULL ORDER BY key').pluck();
    const rollups = (hist: string) =>
      db
        .prepare(
          `SELECT c.key, r.bucket, r.runs, r.ok_runs, r.lat_runs, r.lat_sum_us, ${hist}
           FROM checks c CROSS JOIN probe_rollups r
             ON r.check_key = c.key AND r.resolution = @resolution AND r.bucket >= @from AND r.bucket < @to
           WHERE c.removed_at IS NULL AND c.key BETWEEN @lo AND @hi`,
        )
        .raw();
    this.rollupStmt = rollups('r.hist');
    // Day rows feed uptime only; their histograms would be a third of what is read.
    this.rollupNoHistStmt = rollups('NULL');
  }

  /** Every configured check, by service then id. */
  list(): CheckStatus[] {
    return (this.listStmt.all() as CheckRow[]).map(toStatus);
  }

  get(id: string): CheckStatus | undefined {
    const row = this.getStmt.get(id) as CheckRow | undefined;
    return row ? toStatus(row) : undefined;
  }

  /**
   * Tells the cache that runs of these checks, as old as `ts`, were written: their live buckets, and everyone's
   * settled buckets from `ts` on, are read again. The store calls it on every write of probe results; ordinary writes
   * are recent and touch no settled bucket.
   */
  written(ts: number, keys: Iterable<number>): void {
    for (const live of this.live.values()) for (const key of keys) live.written.add(key);
    for (const [resolution, s] of this.settled) if (ts < s.to * 1000) this.settled.delete(resolution);
    for (const [resolution, f] of this.filling) if (ts < f.to * 1000) this.filling.delete(resolution);
  }

  /**
   * Rollup rows per check key from `from` (seconds) on. Buckets that ended more than one bucket ago are read once
   * and kept until the window moves or an old run is written; only the last two buckets are read each time. A
   * thousand checks' 90 days are 90,000 rows, too many to read for every request.
   */
  private async window(resolution: number, from: number, now: number): Promise<WindowRows> {
    const liveFrom = Math.floor(now / 1000 / resolution) * resolution - resolution;
    let settled = this.settled.get(resolution);
    if (!settled || settled.from !== from || settled.to !== liveFrom) settled = await this.settle(resolution, from, liveFrom, settled);
    const start = Math.max(from, liveFrom);
    let live = this.live.get(resolution);
    if (live?.from !== start || live.written.size > live.rows.size * LIVE_REREAD_SHARE) {
      this.live.set(resolution, (live = { from: start, rows: this.readRollups(resolution, start, Number.MAX_SAFE_INTEGER), written: new Set() }));
    } else if (live.written.size > 0) {
      // Reading the few checks written since is cheaper than all of them: a thousand checks' live rows took 25 ms.
      for (const key of live.written) {
        const rows = this.readRollups(resolution, start, Number.MAX_SAFE_INTEGER, key, key).get(key);
        if (rows) live.rows.set(key, rows);
        else live.rows.delete(key);
      }
      live.written.clear();
    }
    return { settled, live: live.rows };
  }

  /**
   * The settled rows of [from, to). When the window has only moved on (every hour, every day) the rows kept are
   * trimmed and the buckets that settled since are read; otherwise they are read SETTLE_CHUNK checks at a time with
   * the event loop free in between, so a year of history never stalls the server.
   */
  private settle(resolution: number, from: number, to: number, previous: Settled | undefined): Promise<Settled> {
    if (previous && from >= previous.from && from < previous.to && to >= previous.to) {
      const settled = this.moved(previous, resolution, from, to);
      this.settled.set(resolution, settled);
      return Promise.resolve(settled);
    }
    const pending = this.filling.get(resolution);
    if (pending && pending.from === from && pending.to === to) return pending.done;
    const token = Symbol(`settle ${resolution}`);
    const done = this.readSettled(resolution, from, to).then((settled) => {
      if (this.filling.get(resolution)?.token === token) {
        this.filling.delete(resolution);
        this.settled.set(resolution, settled);
      }
      return settled;
    });
    this.filling.set(resolution, { from, to, token, done });
    return done;
  }

  private moved(previous: Settled, resolution: number, from: number, to: number): Settled {
    const rows = new Map<number, RollupRows>();
    const merged = previous.merged && new Map(previous.merged);
    for (const [key, list] of previous.rows) {
      const kept = list.filter((bucket) => bucket >= from);
      const hist = merged?.get(key);
      if (hist && kept.length < list.length) merged!.set(key, histogramWith(hist, list.filter((bucket) => bucket < from), -1));
      if (kept.length > 0) rows.set(key, kept);
    }
    for (const [key, added] of this.readRollups(resolution, previous.to, to)) {
      rows.set(key, (rows.get(key) ?? RollupRows.EMPTY).concat(added));
      const hist = merged?.get(key);
      if (hist) merged!.set(key, histogramWith(hist, added));
    }
    return { from, to, rows, merged };
  }

  private async readSettled(resolution: number, from: number, to: number): Promise<Settled> {
    const keys = this.keysStmt.all() as number[];
    const rows = new Map<number, RollupRows>();
    for (let i = 0; i < keys.length; i += SETTLE_CHUNK) {
      if (i > 0) await yieldToLoop();
      for (const [key, list] of this.readRollups(resolution, from, to, keys[i]!, keys[Math.min(i + SETTLE_CHUNK, keys.length) - 1]!)) rows.set(key, list);
    }
    return { from, to, rows };
  }

  private readRollups(resolution: number, from: number, to: number, lo = 0, hi = Number.MAX_SAFE_INTEGER): Map<number, RollupRows> {
    const read = new Map<number, RollupRow[]>();
    if (from >= to) return new Map();
    const stmt = resolution === HOUR_S ? this.rollupStmt : this.rollupNoHistStmt;
    for (const [key, bucket, runs, ok, latRuns, latSumUs, hist] of stmt.all({ resolution, from, to, lo, hi }) as [number, number, number, number, number, number, Buffer | null][]) {
      const row: RollupRow = { bucket, runs, ok, latRuns, latSumUs, hist };
      const list = read.get(key);
      if (list) list.push(row);
      else read.set(key, [row]);
    }
    return new Map([...read].map(([key, list]) => [key, RollupRows.of(list)]));
  }

  /**
   * Uptime over 24 h, 7, 30 and 90 days and the 24-hour latency percentiles, for one check key at a time. The
   * settled part of each check's figures is worked out on its first request and kept, so a request adds up only the
   * last two buckets of each check; a summary is built when asked, so none outlives the check's part of an answer.
   */
  async summaries(now: number): Promise<(key: number) => CheckSummary> {
    const days = await this.window(DAY_S, firstDay(now, 90), now);
    // Either window may have to read rows again (live rows after writes, settled ones when it moved): one per turn.
    await yieldToLoop();
    const hours = await this.window(HOUR_S, firstHour(now), now);
    const daySums = windowSums(days, [days.settled.from, firstDay(now, 30), firstDay(now, 7)]);
    const hourSums = windowSums(hours, [hours.settled.from]);
    const scratch = denseHistogram();
    return (key) => {
      const [runs90, ok90, runs30, ok30, runs7, ok7] = daySums(key) as [number, number, number, number, number, number];
      const [runs24, ok24] = hourSums(key) as [number, number];
      let hist = mergedOf(hours.settled, key);
      const live = hours.live.get(key);
      if (live) {
        scratch.set(hist);
        hist = live.addHistogramsTo(scratch);
      }
      return {
        uptime: { '24h': availability(runs24, ok24), '7d': availability(runs7, ok7), '30d': availability(runs30, ok30), '90d': availability(runs90, ok90) },
        latencyMs: { p50: round(quantileDense(hist, 0.5)), p95: round(quantileDense(hist, 0.95)) },
      };
    };
  }

  /**
   * Runs and good runs per UTC day over the last `days` days, oldest first, for one check key at a time: the
   * dashboard's uptime bars. Columns of numbers rather than an object per day: an overview of a thousand checks drew
   * 90,000 days, and their objects were a third of the garbage that page made. Built when asked, so a page never
   * holds all checks' days at once (objects that outlive a request make every young-generation collection slow).
   */
  async days(now: number, days: number): Promise<(key: number) => DailyRuns> {
    const first = firstDay(now, days);
    const w = await this.window(DAY_S, first, now);
    return (key) => {
      const out: DailyRuns = { runs: new Array<number>(days).fill(0), ok: new Array<number>(days).fill(0) };
      for (const rows of rowsOf(w, key)) {
        for (let i = 0; i < rows.length; i++) {
          const day = (rows.bucket(i) - first) / DAY_S;
          // A bucket past today (a clock that jumped back) is not one of the days drawn.
          if (day >= days) continue;
          out.runs[day] = rows.runs(i);
          out.ok[day] = rows.ok(i);
        }
      }
      return out;
    };
  }

  /** Mean latency and availability per hour over the last 24 hours, for one check key at a time: the sparklines. */
  async hourly(now: number): Promise<(key: number) => LatencyPoint[]> {
    const w = await this.window(HOUR_S, firstHour(now), now);
    return (key) => {
      const points: LatencyPoint[] = [];
      for (const rows of rowsOf(w, key)) {
        for (let i = 0; i < rows.length; i++) {
          const latRuns = rows.latRuns(i);
          const runs = rows.runs(i);
          points.push({ ts: rows.bucket(i) * 1000, avgMs: latRuns ? rows.latSumUs(i) / latRuns / 1000 : null, uptime: runs ? rows.ok(i) / runs : null });
        }
      }
      return points;
    };
  }

  /** Raw runs of one check in [from, to), oldest first, at most `limit`. */
  raw(key: number, from: number, to: number, limit: number): RawPoint[] {
    return this.rawRows('ts >= ? AND ts < ? ORDER BY ts LIMIT ?', key, from, to, limit);
  }

  /** The latest `limit` raw runs of one check, newest first. */
  latest(key: number, limit: number): RawPoint[] {
    return this.rawRows('1 ORDER BY ts DESC LIMIT ?', key, limit);
  }

  private rawRows(where: string, key: number, ...params: number[]): RawPoint[] {
    const rows = this.db
      .prepare(
        `SELECT ts, ok, status, error, assertion, dns_us, tcp_us, tls_us, first_byte_us, total_us FROM probe_results
         WHERE check_key = ? AND ${where}`,
      )
      .all(key, ...params) as {
      ts: number;
      ok: number;
      status: number | null;
      error: ErrorClass | null;
      assertion: string | null;
      dns_us: number | null;
      tcp_us: number | null;
      tls_us: number | null;
      first_byte_us: number | null;
      total_us: number | null;
    }[];
    return rows.map((r) => {
      const p: RawPoint = { ts: r.ts, ok: r.ok === 1, timings: { dnsMs: ms(r.dns_us), tcpMs: ms(r.tcp_us), tlsMs: ms(r.tls_us), firstByteMs: ms(r.first_byte_us) } };
      if (r.status !== null) p.status = r.status;
      if (r.error !== null) p.error = r.error;
      if (r.assertion !== null) p.assertion = r.assertion;
      // A run that got no answer (refused, timeout) has no latency worth charting.
      if (r.total_us !== null && (r.ok === 1 || r.status !== null)) p.latencyMs = r.total_us / 1000;
      return p;
    });
  }

  /** Rollups of one check at a resolution in [from, to), oldest first, at most `limit`. */
  rollups(key: number, resolutionS: number, from: number, to: number, limit: number): RollupPoint[] {
    const rows = this.db
      .prepare(
        `SELECT bucket, runs, ok_runs, lat_runs, lat_sum_us, lat_min_us, lat_max_us, hist FROM probe_rollups
         WHERE check_key = ? AND resolution = ? AND bucket >= ? AND bucket < ? ORDER BY bucket LIMIT ?`,
      )
      .all(key, resolutionS, Math.floor(from / 1000 / resolutionS) * resolutionS, Math.ceil(to / 1000), limit) as {
      bucket: number;
      runs: number;
      ok_runs: number;
      lat_runs: number;
      lat_sum_us: number;
      lat_min_us: number | null;
      lat_max_us: number | null;
      hist: Buffer;
    }[];
    return rows.map((r) => {
      const hist = decode(r.hist);
      return {
        ts: r.bucket * 1000,
        ...availability(r.runs, r.ok_runs),
        latencyMs:
          r.lat_runs === 0
            ? null
            : {
                avg: round(r.lat_sum_us / r.lat_runs / 1000)!,
                min: (r.lat_min_us ?? 0) / 1000,
                max: (r.lat_max_us ?? 0) / 1000,
                p50: round(quantile(hist, 0.5))!,
                p95: round(quantile(hist, 0.95))!,
                p99: round(quantile(hist, 0.99))!,
              },
      };
    });
  }
}

function round(v: number | null): number | null {
  return v === null ? null : Math.round(v * 100) / 100;
}

function toStatus(r: CheckRow): CheckStatus {
  const s: CheckStatus = {
    key: r.key,
    id: r.id,
    service: r.service,
    kind: r.kind,
    target: r.target,
    intervalMs: r.interval_ms,
    state: r.state,
    stateSince: r.state_since,
    lastRunAt: r.last_run_at,
    lastResult: r.last_result === null ? null : (JSON.parse(r.last_result) as CheckStatus['lastResult']),
    findings: JSON.parse(r.findings) as RaisedFinding[],
  };
  if (r.name !== null) s.name = r.name;
  return s;
}
