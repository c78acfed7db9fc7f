import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Retention } from '../../src/store/retention.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

const DAY = 86_400_000;

describe('Retention', () => {
  it('deletes rows older than each retention, in batches, and keeps the rest', async () => {
    const store = Store.open(path.join(tempDir(), 'picket.db'));
    const db = store.db;
    const now = Date.UTC(2026, 10, 23);
    db.prepare(
      "INSERT INTO checks (key, id, service, kind, target, interval_ms, config_hash, created_at, updated_at) VALUES (1, 'c', 's', 'http', 'x', 10000, 'h', 0, 0)",
    ).run();
    const insertResult = db.prepare('INSERT INTO probe_results (check_key, ts, ok) VALUES (1, ?, 1)');
    const insertRollup = db.prepare(
      "INSERT INTO probe_rollups (check_key, resolution, bucket, runs, ok_runs, lat_runs, lat_sum_us, hist) VALUES (1, ?, ?, 1, 1, 0, 0, x'')",
    );
    db.transaction(() => {
      // 10 days of results every 60 s: 3 days are inside the 7-day raw retention.
      for (let t = now - 10 * DAY; t < now; t += 60_000) insertResult.run(t);
      for (let d = 0; d < 120; d++) insertRollup.run(60, Math.floor((now - d * DAY) / 1000));
      for (let d = 0; d < 800; d += 10) insertRollup.run(3600, Math.floor((now - d * DAY) / 1000));
      for (let d = 0; d < 2000; d += 100) insertRollup.run(86400, Math.floor((now - d * DAY) / 1000));
    })();

    const deleted = await new Retention(db, { rawMs: 7 * DAY, minuteMs: 90 * DAY, hourMs: 730 * DAY }).run(now);

    expect(deleted.probe_results).toBe(3 * 1440);
    expect(db.prepare('SELECT min(ts) FROM probe_results').pluck().get()).toBeGreaterThanOrEqual(now - 7 * DAY);
    expect(db.prepare('SELECT count(*) FROM probe_results').pluck().get()).toBe(7 * 1440);
    const rollups = (res: number) => db.prepare('SELECT count(*) FROM probe_rollups WHERE resolution = ?').pluck().get(res);
    expect(rollups(60)).toBe(91);
    expect(rollups(3600)).toBe(74);
    expect(rollups(86400)).toBe(20);
    await store.close();
  });
});
