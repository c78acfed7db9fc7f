import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { ProbeObservation } from '../../src/correlate/observation.js';
import { createLogger } from '../../src/log.js';
import { CheckRunner } from '../../src/probe/check-runner.js';
import { decode, quantile } from '../../src/store/histogram.js';
import { Store } from '../../src/store/store.js';
import { makeCheck } from '../helpers/checks.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

const logger = createLogger({ level: 'silent', pretty: false });

describe('CheckRunner', () => {
  it('persists runs, rollups and state, emits observations, and resumes state after a restart', async () => {
    let healthy = true;
    const server = await startServer((_req, res) => {
      res.statusCode = healthy ? 200 : 503;
      res.end();
    });
    const file = path.join(tempDir(), 'picket.db');
    const check = makeCheck({ id: 'api', kind: 'http', url: server.url, failureThreshold: 2, confirmRetries: 0 });
    const observations: ProbeObservation[] = [];
    let store = Store.open(file);
    let runner = new CheckRunner({ store: store.checks, configDir: '.', clock: systemClock, logger, onObservation: (o) => observations.push(o), timers: false });
    runner.setChecks([check]);
    const job = { key: 'api', interval: check.interval, host: '127.0.0.1' };

    await runner.runJob(job);
    healthy = false;
    await runner.runJob(job);
    await runner.runJob(job);
    await runner.stop();

    expect(observations.map((o) => [o.ok, o.state, o.stateChange?.to])).toEqual([
      [true, 'up', 'up'],
      [false, 'up', undefined],
      [false, 'down', 'down'],
    ]);
    expect(observations[2]).toMatchObject({ type: 'probe', checkId: 'api', service: 'auth', kind: 'http', status: 503, error: 'status' });

    const db = store.db;
    expect(db.prepare('SELECT ok, status, error FROM probe_results ORDER BY rowid').all()).toEqual([
      { ok: 1, status: 200, error: null },
      { ok: 0, status: 503, error: 'status' },
      { ok: 0, status: 503, error: 'status' },
    ]);
    const rollups = db.prepare('SELECT resolution, sum(runs) AS runs, sum(ok_runs) AS ok, sum(lat_runs) AS lat, hist FROM probe_rollups GROUP BY resolution ORDER BY resolution').all() as {
      resolution: number; runs: number; ok: number; lat: number; hist: Buffer;
    }[];
    expect(rollups.map((r) => [r.resolution, r.runs, r.ok, r.lat])).toEqual([[60, 3, 1, 3], [3600, 3, 1, 3], [86400, 3, 1, 3]]);
    expect(quantile(decode(rollups[2]!.hist), 0.5)).toBeGreaterThan(0);
    const row = db.prepare("SELECT state, consecutive_failures, last_result FROM checks WHERE id = 'api'").get() as { state: string; consecutive_failures: number; last_result: string };
    expect(row).toMatchObject({ state: 'down', consecutive_failures: 2 });
    expect(JSON.parse(row.last_result)).toMatchObject({ ok: false, status: 503, attempts: 1 });
    await store.close();

    // Restart: the check is still down and one good run is not enough to bring it up (successThreshold 2).
    store = Store.open(file);
    runner = new CheckRunner({ store: store.checks, configDir: '.', clock: systemClock, logger, onObservation: (o) => observations.push(o), timers: false });
    runner.setChecks([check]);
    expect(runner.stateOf('api')).toMatchObject({ state: 'down', failures: 2 });
    healthy = true;
    await runner.runJob(job);
    expect(observations.at(-1)).toMatchObject({ ok: true, state: 'down' });
    await runner.runJob(job);
    expect(observations.at(-1)).toMatchObject({ ok: true, state: 'up', stateChange: { from: 'down', to: 'up' } });
    await runner.stop();
    await store.close();
  });

  it('marks removed checks and keeps their history', async () => {
    const store = Store.open(path.join(tempDir(), 'picket.db'));
    const runner = new CheckRunner({ store: store.checks, configDir: '.', clock: systemClock, logger, onObservation: () => undefined, timers: false });
    runner.setChecks([makeCheck({ id: 'a', kind: 'http', url: 'http://127.0.0.1:9/' }), makeCheck({ id: 'b', kind: 'http', url: 'http://127.0.0.1:9/' })]);
    runner.setChecks([makeCheck({ id: 'b', kind: 'http', url: 'http://127.0.0.1:9/' })]);
    expect(store.db.prepare('SELECT id, removed_at IS NOT NULL AS removed FROM checks ORDER BY id').all()).toEqual([{ id: 'a', removed: 1 }, { id: 'b', removed: 0 }]);
    expect(runner.scheduler.size).toBe(1);
    await runner.stop();
    await store.close();
  });

  it('never stores the probe credentials or the session token', async () => {
    const server = await startServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"token":"tok-9f8e7d6c5b4a"}');
    });
    const file = path.join(tempDir(), 'picket.db');
    const store = Store.open(file);
    const runner = new CheckRunner({ store: store.checks, configDir: '.', clock: systemClock, logger, onObservation: () => undefined, timers: false });
    runner.setChecks([makeCheck({ id: 'login', kind: 'auth-login', url: server.url, credentials: { username: 'probe-user-x1', password: 'probe-pass-y2' }, expect: { tokenPath: '$.token' } })]);
    await runner.runJob({ key: 'login', interval: 30_000, host: '127.0.0.1' });
    await runner.stop();
    await store.close();
    const raw = (await import('node:fs')).readFileSync(file).toString('latin1');
    for (const secret of ['probe-pass-y2', 'tok-9f8e7d6c5b4a']) expect(raw).not.toContain(secret);
  });
});
