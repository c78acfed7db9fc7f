import type { Statement } from 'better-sqlite3';
import type { CheckState, ProbeResult, RaisedFinding } from './records.js';
import type { WriteGate } from './batch-writer.js';
import type { Db } from './database.js';
import { encode, record, type Histogram } from './histogram.js';

/** A check as the store keeps it: identity and what it points at, never credentials. */
export interface CheckRecord {
  id: string;
  service: string;
  kind: string;
  name?: string;
  target: string;
  intervalMs: number;
  configHash: string;
}

export interface StoredCheck {
  key: number;
  id: string;
  state: CheckState;
}

/** One completed run to persist. */
export interface RunRecord {
  checkKey: number;
  ts: number;
  result: ProbeResult;
  attempts: number;
  /** Set when an answer arrived; runs without one (refused, timeout) have no latency. */
  latencyMs?: number;
  state: CheckState;
  /** False for runs of an extra schedule: they update findings but are not availability history. */
  history: boolean;
}

export const ROLLUP_RESOLUTIONS = [60, 3_600, 86_400] as const;

interface RollupAcc {
  checkKey: number;
  resolution: number;
  bucket: number;
  runs: number;
  okRuns: number;
  latRuns: number;
  latSumUs: number;
  latMinUs: number | null;
  latMaxUs: number | null;
  hist: Histogram;
}

/** Checks, their raw results and rollups. */
export class CheckRepository {
  private readonly insertResult: Statement;
  private readonly upsertRollup: Statement;
  private readonly updateState: Statement;

  /**
   * `onWrite` hears the oldest run and the checks of every batch written, so readers caching rollups can drop them.
   * `writesHeld` says when batched writes of runs should wait (see `Checkpointer.writesHeld`).
   */
  constructor(
    private readonly db: Db,
    private readonly onWrite: (oldestTs: number, checkKeys: Iterable<number>) => void = () => undefined,
    readonly writesHeld: WriteGate = () => undefined,
  ) {
    this.insertResult = db.prepare(
      `INSERT INTO probe_results (check_key, ts, ok, status, error, assertion, dns_us, tcp_us, tls_us, first_byte_us, total_us, cert_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertRollup = db.prepare(
      `INSERT INTO probe_rollups (check_key, resolution, bucket, runs, ok_runs, lat_runs, lat_sum_us, lat_min_us, lat_max_us, hist)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (check_key, resolution, bucket) DO UPDATE SET
         runs = runs + excluded.runs,
         ok_runs = ok_runs + excluded.ok_runs,
         lat_runs = lat_runs + excluded.lat_runs,
         lat_sum_us = lat_sum_us + excluded.lat_sum_us,
         lat_min_us = CASE WHEN lat_min_us IS NULL THEN excluded.lat_min_us WHEN excluded.lat_min_us IS NULL THEN lat_min_us ELSE min(lat_min_us, excluded.lat_min_us) END,
         lat_max_us = CASE WHEN lat_max_us IS NULL THEN excluded.lat_max_us WHEN excluded.lat_max_us IS NULL THEN lat_max_us ELSE max(lat_max_us, excluded.lat_max_us) END,
         hist = hist_merge(hist, excluded.hist)`,
    );
    this.updateState = db.prepare(
      `UPDATE checks SET state = ?, state_since = ?, consecutive_failures = ?, consecutive_successes = ?, findings = ?,
         last_run_at = ?, last_result = coalesce(?, last_result), updated_at = ? WHERE key = ? AND (last_run_at IS NULL OR last_run_at <= ?)`,
    );
  }

  /**
   * Upserts the configured checks, marks the ones no longer configured as removed (their history stays), and
   * returns each configured check's key and persisted state so a restart resumes where it stopped.
   */
  sync(checks: CheckRecord[], now: number): Map<string, StoredCheck> {
    const upsert = this.db.prepare(
      `INSERT INTO checks (id, service, kind, name, target, interval_ms, config_hash, created_at, updated_at)
       VALUES (@id, @service, @kind, @name, @target, @intervalMs, @configHash, @now, @now)
       ON CONFLICT (id) DO UPDATE SET service = excluded.service, kind = excluded.kind, name = excluded.name,
         target = excluded.target, interval_ms = excluded.interval_ms, config_hash = excluded.config_hash,
         removed_at = NULL, updated_at = excluded.updated_at,
         -- a check that changed kind starts over
         state = CASE WHEN checks.kind = excluded.kind THEN checks.state ELSE 'unknown' END,
         findings = CASE WHEN checks.kind = excluded.kind THEN checks.findings ELSE '[]' END`,
    );
    const read = this.db.prepare('SELECT key, id, state, state_since, consecutive_failures, consecutive_successes, findings FROM checks WHERE id = ?');
    return this.db.transaction(() => {
      const out = new Map<string, StoredCheck>();
      for (const c of checks) {
        upsert.run({ ...c, name: c.name ?? null, now });
        const row = read.get(c.id) as {
          key: number;
          id: string;
          state: CheckState['state'];
          state_since: number | null;
          consecutive_failures: number;
          consecutive_successes: number;
          findings: string;
        };
        out.set(c.id, {
          key: row.key,
          id: row.id,
          state: {
            state: row.state,
            since: row.state_since,
            failures: row.consecutive_failures,
            successes: row.consecutive_successes,
            findings: JSON.parse(row.findings) as RaisedFinding[],
          },
        });
      }
      const ids = checks.map((c) => c.id);
      this.db
        .prepare(`UPDATE checks SET removed_at = ? WHERE removed_at IS NULL AND id NOT IN (SELECT value FROM json_each(?))`)
        .run(now, JSON.stringify(ids));
      return out;
    })();
  }

  /** Persists runs, their rollups and the checks' state in one transaction. */
  writeRuns(runs: RunRecord[]): void {
    this.db.transaction(() => {
      const rollups = new Map<string, RollupAcc>();
      const latest = new Map<number, RunRecord>();
      for (const run of runs) {
        latest.set(run.checkKey, run);
        if (!run.history) continue;
        const r = run.result;
        const t = r.timings;
        this.insertResult.run(
          run.checkKey, run.ts, r.ok ? 1 : 0, r.status ?? null, r.error ?? null, r.assertion ?? null,
          us(t.dnsMs), us(t.tcpMs), us(t.tlsMs), us(t.firstByteMs), us(t.totalMs), r.certExpiresAt ?? null,
        );
        for (const resolution of ROLLUP_RESOLUTIONS) accumulate(rollups, run, resolution);
      }
      for (const a of rollups.values()) {
        this.upsertRollup.run(a.checkKey, a.resolution, a.bucket, a.runs, a.okRuns, a.latRuns, a.latSumUs, a.latMinUs, a.latMaxUs, encode(a.hist));
      }
      for (const run of latest.values()) {
        const s = run.state;
        const last = run.history ? JSON.stringify({ ts: run.ts, attempts: run.attempts, ...run.result }) : null;
        this.updateState.run(s.state, s.since, s.failures, s.successes, JSON.stringify(s.findings), run.ts, last, run.ts, run.checkKey, run.ts);
      }
    })();
    let oldest = Infinity;
    const keys = new Set<number>();
    for (const run of runs) {
      if (!run.history) continue;
      if (run.ts < oldest) oldest = run.ts;
      keys.add(run.checkKey);
    }
    if (oldest !== Infinity) this.onWrite(oldest, keys);
  }
}

function accumulate(into: Map<string, RollupAcc>, run: RunRecord, resolution: number): void {
  const bucket = Math.floor(run.ts / 1000 / resolution) * resolution;
  const id = `${run.checkKey}:${resolution}:${bucket}`;
  let a = into.get(id);
  if (!a) {
    a = { checkKey: run.checkKey, resolution, bucket, runs: 0, okRuns: 0, latRuns: 0, latSumUs: 0, latMinUs: null, latMaxUs: null, hist: new Map() };
    into.set(id, a);
  }
  a.runs++;
  if (run.result.ok) a.okRuns++;
  if (run.latencyMs !== undefined) {
    const v = us(run.latencyMs)!;
    a.latRuns++;
    a.latSumUs += v;
    a.latMinUs = a.latMinUs === null ? v : Math.min(a.latMinUs, v);
    a.latMaxUs = a.latMaxUs === null ? v : Math.max(a.latMaxUs, v);
    record(a.hist, run.latencyMs);
  }
}

const us = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms * 1000));
