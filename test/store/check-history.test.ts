import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckHistory } from '../../src/store/check-history.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** 120 checks (more than one read chunk) with three days of runs every 10 minutes, some failing, latency varying. */
function storeWithRuns(now: number) {
  const store = Store.open(path.join(tempDir(), 'picket.db'));
  const checks = Array.from({ length: 120 }, (_, i) => ({ id: `c-${i}`, service: 's', kind: 'http', target: 'http://127.0.0.1/', intervalMs: 600_000, configHash: 'h' }));
  const stored = store.checks.sync(checks, now - 3 * DAY);
  const write = (from: number, to: number, only?: number[]) => {
    const runs = [];
    for (const [i, c] of [...stored.values()].entries()) {
      if (only && !only.includes(i)) continue;
      for (let ts = from; ts < to; ts += 600_000) {
        const ok = (ts / 600_000 + i) % 17 !== 0;
        runs.push({ checkKey: c.key, ts, result: { ok, message: ok ? 'ok' : 'status 503', status: ok ? 200 : 503, timings: { totalMs: 20 + ((ts / 600_000 + i) % 40) }, findings: [] }, attempts: 1, latencyMs: 20 + ((ts / 600_000 + i) % 40), state: c.state, history: true });
      }
    }
    store.checks.writeRuns(runs);
  };
  return { store, write };
}

describe('CheckHistory', () => {
  it('gives the same summaries after its windows move on as a fresh reader of the same rows', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 30);
    const { store, write } = storeWithRuns(now);
    write(now - 3 * DAY, now);
    const history = store.checkHistory;
    const keys = Array.from({ length: 120 }, (_, i) => i + 1);
    const before = keys.map(await history.summaries(now));
    // 24 h is the current hour and the 23 before it: 23.5 hours of runs at 12:30.
    expect(before.map((s) => s.uptime['24h'].runs)).toEqual(keys.map(() => 141));
    expect(before[0]!.latencyMs.p95).toBeGreaterThan(before[0]!.latencyMs.p50!);
    // Asked again, from the sums and histograms kept; one check asked for alone by a fresh reader: the same.
    expect(keys.map(await history.summaries(now))).toEqual(before);
    expect((await new CheckHistory(store.db).summaries(now))(60)).toEqual(before[59]);
    // A key without rows has runs of 0 and no uptime or latency.
    expect((await history.summaries(now))(999)).toEqual({
      uptime: { '24h': { runs: 0, ok: 0, uptime: null }, '7d': { runs: 0, ok: 0, uptime: null }, '30d': { runs: 0, ok: 0, uptime: null }, '90d': { runs: 0, ok: 0, uptime: null } },
      latencyMs: { p50: null, p95: null },
    });

    // Two hours and a day later, with the runs in between: the kept rows are trimmed and the new buckets added.
    for (const later of [now + 2 * HOUR, now + DAY + 2 * HOUR]) {
      write(later - (later === now + 2 * HOUR ? 2 * HOUR : DAY), later);
      const moved = keys.map(await history.summaries(later));
      expect(moved).toEqual(keys.map(await new CheckHistory(store.db).summaries(later)));
      expect(moved).not.toEqual(before);
      const [days, freshDays] = [await history.days(later, 90), await new CheckHistory(store.db).days(later, 90)];
      const [hours, freshHours] = [await history.hourly(later), await new CheckHistory(store.db).hourly(later)];
      for (const key of [1, 60, 120]) {
        expect(days(key)).toEqual(freshDays(key));
        expect(hours(key)).toEqual(freshHours(key));
      }
      expect(days(1).runs.filter((runs) => runs > 0).length).toBeGreaterThan(2);
    }
    await store.close();
  });

  it('gives runs per day oldest first, zero for days without runs, and leaves out a day past today', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 30);
    const { store, write } = storeWithRuns(now);
    const today = Date.UTC(2026, 10, 23);
    // Yesterday from noon, today until 12:30, and runs dated tomorrow (a clock that was set ahead, then put back).
    write(today - DAY / 2, now);
    write(today + DAY, today + DAY + HOUR);
    const days = (await store.checkHistory.days(now, 4))(1);
    expect(days.runs).toEqual([0, 0, 72, 75]);
    // Check c-0 fails when (ts / 10 min) % 17 is 0: four of yesterday's runs, five of today's.
    expect(days.ok).toEqual([0, 0, 68, 70]);
    await store.close();
  });

  it('reads the live rows of the few checks just written, and of all checks after many were', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 30);
    const { store, write } = storeWithRuns(now);
    write(now - 2 * DAY, now - 10 * 60_000);
    const history = store.checkHistory;
    const keys = Array.from({ length: 120 }, (_, i) => i + 1);
    const before = keys.map(await history.summaries(now));
    write(now - 10 * 60_000, now, [0, 7]);
    const after = keys.map(await history.summaries(now));
    expect(after).toEqual(keys.map(await new CheckHistory(store.db).summaries(now)));
    expect(after[0]!.uptime['24h'].runs).toBe(before[0]!.uptime['24h'].runs + 1);
    expect(after[7]!.uptime['24h'].runs).toBe(before[7]!.uptime['24h'].runs + 1);
    expect(after[1]).toEqual(before[1]);
    write(now, now + 10 * 60_000);
    const later = keys.map(await history.summaries(now + 10 * 60_000));
    expect(later).toEqual(keys.map(await new CheckHistory(store.db).summaries(now + 10 * 60_000)));
    await store.close();
  });

  it('reads settled rows again when runs older than them are written, and not otherwise', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 30);
    const { store, write } = storeWithRuns(now);
    write(now - 2 * DAY, now);
    const history = store.checkHistory;
    const before = (await history.summaries(now))(1).uptime['7d'].runs;
    write(now - 3 * DAY, now - 2 * DAY);
    expect((await history.summaries(now))(1).uptime['7d'].runs).toBe(before + 144);
    await store.close();
  });
});
