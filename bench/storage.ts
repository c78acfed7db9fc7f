import path from 'node:path';
import type { RunRecord } from '../src/store/check-repository.js';
import { Retention } from '../src/store/retention.js';
import { Store } from '../src/store/store.js';
import { fmt, tempDir, type Figure } from './lib.js';

const CHECKS = 100;
const INTERVAL_MS = 10_000;
const DAY = 86_400_000;
/** Days written through the real writer; raw retention (7 d) has deleted the first by the end. */
const DAYS = 9;
const RETENTION = { rawMs: 7 * DAY, minuteMs: 90 * DAY, hourMs: 730 * DAY };

/**
 * 100 checks every 10 s through the store's own write path (raw runs and minute, hour and day rollups in one
 * transaction per batch) and the retention job, day by day for nine simulated days. A year of that is 315 million
 * runs, too many to write here, so the year is computed from what the store really holds after nine days: the
 * bytes of a raw run (7 days are kept) and of a rollup row at each resolution (90 days of minutes, a year of hours
 * and days), measured with SQLite's dbstat.
 */
export async function run(): Promise<Figure[]> {
  const file = path.join(tempDir(), 'picket.db');
  const store = Store.open(file);
  const keys = [...store.checks.sync(Array.from({ length: CHECKS }, (_, i) => ({ id: `c-${i}`, service: 'auth', kind: 'http', target: `https://api.example.com/c${i}`, intervalMs: INTERVAL_MS, configHash: 'x' })), 0).values()].map((c) => c.key);
  const retention = new Retention(store.db, RETENTION);
  const start = Date.UTC(2026, 0, 1);
  const t0 = performance.now();
  for (let day = 0; day < DAYS; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const batch: RunRecord[] = [];
      for (let ts = start + day * DAY + hour * 3_600_000; ts < start + day * DAY + (hour + 1) * 3_600_000; ts += INTERVAL_MS) {
        for (const [i, key] of keys.entries()) {
          const latency = 20 + ((ts / INTERVAL_MS + i) % 37);
          const ok = (ts / INTERVAL_MS + i) % 997 !== 0;
          batch.push({
            checkKey: key,
            ts: ts + i * 50,
            result: { ok, status: ok ? 200 : 503, ...(ok ? {} : { error: 'status' as const }), message: '', timings: { dnsMs: 0.2, tcpMs: 0.4, tlsMs: 3, firstByteMs: latency - 2, totalMs: latency }, findings: [] },
            attempts: 1,
            latencyMs: latency,
            state: { state: 'up', since: null, failures: 0, successes: 1, findings: [] },
            history: true,
          });
        }
      }
      // The real writer commits at most 500 rows a transaction.
      for (let b = 0; b < batch.length; b += 500) store.checks.writeRuns(batch.slice(b, b + 500));
    }
    await retention.run(start + (day + 1) * DAY);
  }
  const writeS = (performance.now() - t0) / 1000;
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.exec('VACUUM');
  const bytesOf = (name: string) => (store.db.prepare("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name = ? OR name LIKE ? || '_%'").pluck().get(name, name) as number) ?? 0;
  const count = (sql: string) => store.db.prepare(sql).pluck().get() as number;
  const rawRows = count('SELECT count(*) FROM probe_results');
  const rollupRows = (resolution: number) => count(`SELECT count(*) FROM probe_rollups WHERE resolution = ${resolution}`);
  const rawBytes = bytesOf('probe_results') + bytesOf('sqlite_autoindex_probe_results');
  const rollupBytes = bytesOf('probe_rollups');
  const rollupRowsAll = rollupRows(60) + rollupRows(3600) + rollupRows(86_400);
  const perRaw = rawBytes / rawRows;
  const perRollup = rollupBytes / rollupRowsAll;
  const perDayRaw = (DAY / INTERVAL_MS) * CHECKS;
  const yearBytes = 7 * perDayRaw * perRaw + (90 * 1440 + 365 * 24 + 365) * CHECKS * perRollup;
  const measuredMb = (count('PRAGMA page_count') * count('PRAGMA page_size')) / 1e6;
  await store.close();
  const gb = yearBytes / 1e9;
  return [
    {
      figure: 'storage',
      how: `${CHECKS} checks × ${INTERVAL_MS / 1000} s through the store's writer and retention for ${DAYS} simulated days (${fmt((DAYS * perDayRaw) / 1e6)}M runs), a year computed from the bytes per row measured`,
      value: `${fmt(gb, 2)} GB after a year`,
      target: '≤ 1.5 GB',
      pass: gb <= 1.5,
      note: `after ${DAYS} days: ${fmt(measuredMb)} MB on disk, ${rawRows} raw rows at ${fmt(perRaw)} B, ${rollupRowsAll} rollup rows at ${fmt(perRollup)} B (indexes included); writing took ${fmt(writeS)} s`,
    },
  ];
}
