import path from 'node:path';
import Database from 'better-sqlite3';
import { encode, record, type Histogram } from '../src/store/histogram.js';
import { CLI, fmt, percentile, picketConfig, picketLoopLagMs, spawnPinned, startTarget, type Figure, type Spawned } from './lib.js';

const CHECKS = 1_000;
const DAYS = 365;
const MINUTE_DAYS = 2;
const REQUESTS = 40;

async function startPicket(config: string): Promise<{ picket: Spawned; url: string }> {
  const picket = spawnPinned(0, [CLI, 'start', '--config', config, '--log-level', 'info']);
  const m = await picket.waitFor(/"url":"(http:\/\/[^"]+)","msg":"listening"/, 60_000);
  await picket.waitFor(/picket started/, 60_000);
  return { picket, url: m[1]! };
}

function histogramBlobs(): Buffer[] {
  return [12, 25, 60].map((base) => {
    const h: Histogram = new Map();
    for (let i = 0; i < 60; i++) record(h, base * (0.7 + (i % 10) / 12));
    return encode(h);
  });
}

/**
 * A year of hour and day rollups and two days of minute rollups for every check, written straight into the
 * database the real picket created: what a year of probing leaves behind, without probing for a year. This is a
 * fixture, so it writes the table the store defines rather than going through the probe path.
 */
function fillHistory(dbFile: string, now: number): number {
  const db = new Database(dbFile);
  const blobs = histogramBlobs();
  const keys = db.prepare('SELECT key FROM checks WHERE removed_at IS NULL').pluck().all() as number[];
  const insert = db.prepare(
    `INSERT OR REPLACE INTO probe_rollups (check_key, resolution, bucket, runs, ok_runs, lat_runs, lat_sum_us, lat_min_us, lat_max_us, hist)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let rows = 0;
  const nowS = Math.floor(now / 1000);
  const fill = db.transaction((key: number, resolution: number, count: number) => {
    const last = Math.floor(nowS / resolution) * resolution;
    const runsPer = Math.max(1, resolution / 10);
    for (let i = 0; i < count; i++) {
      const bad = (key + i) % 97 === 0 ? Math.ceil(runsPer / 10) : 0;
      insert.run(key, resolution, last - i * resolution, runsPer, runsPer - bad, runsPer - bad, (runsPer - bad) * 25_000, 8_000, 90_000, blobs[(key + i) % 3]);
      rows++;
    }
  });
  for (const key of keys) {
    fill(key, 86_400, DAYS);
    fill(key, 3_600, DAYS * 24);
    fill(key, 60, MINUTE_DAYS * 1440);
  }
  db.close();
  return rows;
}

async function timeRequests(url: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

/** `GET /api/v1/checks` and the dashboard with 1,000 checks and a year of rollups, against `/healthz` on the same server. */
export async function run(): Promise<Figure[]> {
  const target = await startTarget();
  const { dir, config } = picketConfig(
    `services:\n${Array.from({ length: 20 }, (_, s) => `  svc${s}: {}\n`).join('')}`,
    Array.from({ length: CHECKS }, (_, i) => `- { id: check-${i}, service: svc${i % 20}, kind: http, url: "${target.http}/c${i}", interval: 1h }\n`).join(''),
  );
  try {
    const first = await startPicket(config);
    await first.picket.stop();
    const t0 = performance.now();
    const rows = fillHistory(path.join(dir, 'picket.db'), Date.now());
    const fillS = (performance.now() - t0) / 1000;

    const { picket, url } = await startPicket(config);
    try {
      await timeRequests(`${url}/api/v1/checks`, 3);
      await picketLoopLagMs(url);
      const api = await timeRequests(`${url}/api/v1/checks`, REQUESTS);
      const dashboard = await timeRequests(`${url}/`, REQUESTS / 4);
      const bare = await timeRequests(`${url}/healthz`, REQUESTS);
      const loopLagMs = await picketLoopLagMs(url);
      const p95 = percentile(api, 95);
      const base = percentile(bare, 95);
      return [
        {
          figure: 'API',
          how: `GET /api/v1/checks, ${CHECKS} checks, a year of hour and day rollups (${(rows / 1e6).toFixed(1)}M rows), ${REQUESTS} requests`,
          value: `p95 ${fmt(p95)} ms (p50 ${fmt(percentile(api, 50))} ms)`,
          baseline: `GET /healthz p95 ${fmt(base, 2)} ms`,
          ratio: p95 / base,
          target: '≤ 100 ms p95',
          pass: p95 <= 100,
          loopLagMs,
          note: `the dashboard page (GET /) over the same data: p95 ${fmt(percentile(dashboard, 95))} ms; writing the fixture took ${fmt(fillS)} s`,
        },
      ];
    } finally {
      await picket.stop();
    }
  } finally {
    target.stop();
  }
}
