import type { Statement } from 'better-sqlite3';
import type { CheckStateName, ErrorClass } from '../correlate/observation.js';
import type { Db } from './database.js';
import { decode, quantile } from './histogram.js';
import type { ProbeResult, RaisedFinding } from './records.js';

const HOUR_S = 3_600;
const DAY_S = 86_400;

/** A configured check with the state and last result the scheduler stored. */
export interface CheckStatus {
  key: number;
  id: string;
  service: string;
  kind: string;
  name?: string;
  target: string;
  intervalMs: number;
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

export const UPTIME_WINDOWS = ['24h', '7d', '30d', '90d'] as const;
export type UptimeWindow = (typeof UPTIME_WINDOWS)[number];

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

const availability = (runs: number | null, ok: number | null): Availability => ({
  runs: runs ?? 0,
  ok: ok ?? 0,
  uptime: runs ? (ok ?? 0) / runs : null,
});

const ms = (us: number | null): number | undefined => (us === null ? undefined : us / 1000);

/** Start of the UTC day (seconds) `days - 1` days before the one holding `now`: the first of the last `days` days. */
export const firstDay = (now: number, days: number): number => Math.floor(now / 1000 / DAY_S) * DAY_S - (days - 1) * DAY_S;
/** Start of the hour (seconds) 23 hours before the one holding `now`: the first of the last 24 hours. */
export const firstHour = (now: number): number => Math.floor(now / 1000 / HOUR_S) * HOUR_S - 23 * HOUR_S;

/**
 * What the API, dashboard and CLI read about checks. Every window is read from rollups through the primary key
 * (check, resolution, bucket), so a summary of a thousand checks touches about 115 rows per check whatever the
 * length of the history. Windows are whole buckets: "24h" is the current hour and the 23 before it, "7d" today
 * (UTC) and the six days before.
 */
export class CheckHistory {
  private readonly listStmt: Statement;
  private readonly dayStmt: Statement;
  private readonly hourStmt: Statement;
  private readonly daysStmt: Statement;
  private readonly hourlyStmt: Statement;

  constructor(private readonly db: Db) {
    this.listStmt = db.prepare(
      `SELECT key, id, service, kind, name, target, interval_ms, state, state_since, last_run_at, last_result, findings
       FROM checks WHERE removed_at IS NULL ORDER BY service, id`,
    );
    this.dayStmt = db.prepare(
      `SELECT c.key AS key,
         sum(CASE WHEN r.bucket >= @d7 THEN r.runs END) AS runs7, sum(CASE WHEN r.bucket >= @d7 THEN r.ok_runs END) AS ok7,
         sum(CASE WHEN r.bucket >= @d30 THEN r.runs END) AS runs30, sum(CASE WHEN r.bucket >= @d30 THEN r.ok_runs END) AS ok30,
         sum(r.runs) AS runs90, sum(r.ok_runs) AS ok90
       FROM checks c JOIN probe_rollups r ON r.check_key = c.key AND r.resolution = ${DAY_S} AND r.bucket >= @d90
       WHERE c.removed_at IS NULL GROUP BY c.key`,
    );
    this.hourStmt = db.prepare(
      `SELECT c.key AS key, sum(r.runs) AS runs, sum(r.ok_runs) AS ok, hist_sum(r.hist) AS hist
       FROM checks c JOIN probe_rollups r ON r.check_key = c.key AND r.resolution = ${HOUR_S} AND r.bucket >= @h24
       WHERE c.removed_at IS NULL GROUP BY c.key`,
    );
    this.daysStmt = db.prepare(
      `SELECT c.key, r.bucket, r.runs, r.ok_runs
       FROM checks c JOIN probe_rollups r ON r.check_key = c.key AND r.resolution = ${DAY_S} AND r.bucket >= @from
       WHERE c.removed_at IS NULL`,
    ).raw();
    this.hourlyStmt = db.prepare(
      `SELECT c.key, r.bucket, r.runs, r.ok_runs, r.lat_runs, r.lat_sum_us
       FROM checks c JOIN probe_rollups r ON r.check_key = c.key AND r.resolution = ${HOUR_S} AND r.bucket >= @from
       WHERE c.removed_at IS NULL`,
    ).raw();
  }

  /** Every configured check, by service then id. */
  list(): CheckStatus[] {
    return (this.listStmt.all() as CheckRow[]).map(toStatus);
  }

  get(id: string): CheckStatus | undefined {
    const row = this.db
      .prepare(
        `SELECT key, id, service, kind, name, target, interval_ms, state, state_since, last_run_at, last_result, findings
         FROM checks WHERE id = ? AND removed_at IS NULL`,
      )
      .get(id) as CheckRow | undefined;
    return row ? toStatus(row) : undefined;
  }

  /** Uptime over 24 h, 7, 30 and 90 days and the 24-hour latency percentiles of every configured check, by key. */
  summaries(now: number): Map<number, CheckSummary> {
    const out = new Map<number, CheckSummary>();
    const empty = (): CheckSummary => ({
      uptime: { '24h': availability(0, 0), '7d': availability(0, 0), '30d': availability(0, 0), '90d': availability(0, 0) },
      latencyMs: { p50: null, p95: null },
    });
    const of = (key: number) => {
      let s = out.get(key);
      if (!s) out.set(key, (s = empty()));
      return s;
    };
    const days = this.dayStmt.all({ d7: firstDay(now, 7), d30: firstDay(now, 30), d90: firstDay(now, 90) }) as {
      key: number;
      runs7: number | null;
      ok7: number | null;
      runs30: number | null;
      ok30: number | null;
      runs90: number;
      ok90: number;
    }[];
    for (const d of days) {
      const s = of(d.key);
      s.uptime['7d'] = availability(d.runs7, d.ok7);
      s.uptime['30d'] = availability(d.runs30, d.ok30);
      s.uptime['90d'] = availability(d.runs90, d.ok90);
    }
    for (const h of this.hourStmt.all({ h24: firstHour(now) }) as { key: number; runs: number; ok: number; hist: Buffer }[]) {
      const s = of(h.key);
      s.uptime['24h'] = availability(h.runs, h.ok);
      const hist = decode(h.hist);
      s.latencyMs = { p50: round(quantile(hist, 0.5)), p95: round(quantile(hist, 0.95)) };
    }
    return out;
  }

  /** Runs and good runs per UTC day over the last `days` days, per check key: the dashboard's uptime bars. */
  days(now: number, days: number): Map<number, Map<number, Availability>> {
    const out = new Map<number, Map<number, Availability>>();
    for (const [key, bucket, runs, ok] of this.daysStmt.all({ from: firstDay(now, days) }) as [number, number, number, number][]) {
      let m = out.get(key);
      if (!m) out.set(key, (m = new Map()));
      m.set(bucket * 1000, availability(runs, ok));
    }
    return out;
  }

  /** Mean latency and availability per hour over the last 24 hours, per check key: the dashboard's sparklines. */
  hourly(now: number): Map<number, { ts: number; avgMs: number | null; uptime: number | null }[]> {
    const out = new Map<number, { ts: number; avgMs: number | null; uptime: number | null }[]>();
    for (const [key, bucket, runs, ok, latRuns, latSumUs] of this.hourlyStmt.all({ from: firstHour(now) }) as number[][]) {
      let list = out.get(key!);
      if (!list) out.set(key!, (list = []));
      list.push({ ts: bucket! * 1000, avgMs: latRuns ? latSumUs! / latRuns / 1000 : null, uptime: runs ? ok! / runs : null });
    }
    return out;
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
