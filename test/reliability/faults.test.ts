import { createHmac } from 'node:crypto';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { ProbeObservation } from '../../src/correlate/observation.js';
import { createLogger } from '../../src/log.js';
import { CheckRunner } from '../../src/probe/check-runner.js';
import { Store } from '../../src/store/store.js';
import { makeCheck } from '../helpers/checks.js';
import { get } from '../helpers/operator.js';
import { post, startPicket } from '../helpers/picket.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

const SECRET = 'faults-lagnis-secret';

describe('the store refuses writes (read-only file, full disk)', () => {
  it('answers ingest 503, says why on /readyz, keeps probing in memory, and recovers without a restart', async () => {
    const target = await startServer((_req, res) => res.end('ok'));
    const picket = await startPicket(
      `services:
  auth: { routes: ["/auth/*"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, secret: "${SECRET}" } }
telemetry: { token: tele-token }
`,
      { files: { 'checks/a.yaml': `- { id: auth-health, service: auth, kind: http, url: "${target.url}/", interval: 1s }\n` } },
    );
    const db = picket.runtime.store.db;
    const probes: ProbeObservation[] = [];
    picket.runtime.observe((o) => o.type === 'probe' && probes.push(o));
    const webhook = (n: number) => {
      const body = JSON.stringify({ event: 'monitor.down', monitor: { id: `ro-${n}` }, check: { status: 'down' } });
      return post(`${picket.url}/ingest/lagnis`, body, { 'content-type': 'application/json', 'x-signature': createHmac('sha256', SECRET).update(body).digest('hex') });
    };
    const telemetry = () =>
      post(`${picket.url}/v1/events`, JSON.stringify([{ ts: Date.now(), route: '/auth/login', status: 401, ip: '203.0.113.5' }]), { 'content-type': 'application/json', authorization: 'Bearer tele-token' });
    await sleep(1_200);
    expect((await get(`${picket.url}/readyz`)).status).toBe(200);

    const outageFrom = Date.now();
    db.pragma('query_only = ON');
    try {
      await sleep(2_500);
      const refused = await webhook(1);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await telemetry()).status).toBe(503);
      const ready = await get(`${picket.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.detail).toMatch(/^store does not take writes: /);
      // Probing goes on: observations keep coming although nothing can be stored.
      expect(probes.filter((p) => p.ts >= outageFrom).length).toBeGreaterThanOrEqual(2);
    } finally {
      db.pragma('query_only = OFF');
    }
    const outageTo = Date.now();
    await sleep(2_500);
    expect((await webhook(2)).status).toBe(202);
    expect((await telemetry()).status).toBe(202);
    expect((await get(`${picket.url}/readyz`)).status).toBe(200);
    // What was probed during the outage was kept and written once the store took writes again.
    const kept = db.prepare('SELECT count(*) FROM probe_results WHERE ts >= ? AND ts < ?').pluck().get(outageFrom, outageTo) as number;
    expect(kept).toBeGreaterThanOrEqual(2);
  }, 30_000);
});

describe('misbehaving targets', () => {
  it('times out, cuts and classifies hanging, resetting, endless and huge answers while the scheduler stays on time', async () => {
    const sockets = new Set<Socket>();
    const bad = await startServer((req, res) => {
      sockets.add(req.socket);
      if (req.url === '/hang') return;
      if (req.url === '/reset') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial body');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          if (res.destroyed) return;
          while (res.write(chunk));
          res.once('drain', pump);
        };
        pump();
        res.on('close', () => undefined);
        return;
      }
      if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
        res.end(Buffer.alloc(10 * 1024 * 1024, 'y'));
        return;
      }
      res.end('ok');
    });
    const store = Store.open(':memory:');
    const lateness: number[] = [];
    const runs = new Map<string, { ok: boolean; error?: string; totalMs: number; message: string }[]>();
    const runner = new CheckRunner({
      store: store.checks,
      configDir: '.',
      clock: systemClock,
      logger: createLogger({ level: 'silent', pretty: false }),
      onObservation: () => undefined,
      onLateness: (ms) => lateness.push(ms),
      onRun: (check, run) => {
        const list = runs.get(check.id) ?? [];
        list.push({ ok: run.result.ok, error: run.result.error, totalMs: run.result.timings.totalMs, message: run.result.message });
        runs.set(check.id, list);
      },
    });
    const checks = [
      ...['hang', 'reset', 'huge'].map((p) => makeCheck({ id: p, kind: 'http', url: `${bad.url}/${p}`, interval: '1s', timeout: '1500ms', maxBodyBytes: '256KiB', confirmRetries: 0 })),
      makeCheck({ id: 'endless', kind: 'http', url: `${bad.url}/endless`, interval: '1s', timeout: '1500ms', maxBodyBytes: '256KiB', confirmRetries: 0, expect: { body: { contains: 'END' } } }),
      ...Array.from({ length: 200 }, (_, i) => makeCheck({ id: `fine-${i}`, kind: 'http', url: `${bad.url}/fine-${i}`, interval: '1s', confirmRetries: 0 })),
    ];
    runner.setChecks(checks);
    runner.start();
    await sleep(6_000);
    await runner.stop();
    for (const s of sockets) s.destroy();
    store.db.close();

    const hang = runs.get('hang')!;
    expect(hang.length).toBeGreaterThanOrEqual(2);
    for (const r of hang) expect(r).toMatchObject({ ok: false, error: 'timeout' });
    for (const r of hang) expect(r.totalMs).toBeLessThan(2_500);
    for (const r of runs.get('reset')!) expect(r).toMatchObject({ ok: false, error: 'reset' });
    // Bodies over the cap are cut (and said to be when an assertion needed the rest); the run ends promptly.
    for (const r of runs.get('endless')!) expect(r).toMatchObject({ ok: false, error: 'assertion', message: expect.stringMatching(/body cut at 262144 bytes/) });
    for (const r of runs.get('huge')!) expect(r).toMatchObject({ ok: true });
    for (const r of [...runs.get('endless')!, ...runs.get('huge')!]) expect(r.totalMs).toBeLessThan(1_000);
    expect(runs.get('fine-7')!.length).toBeGreaterThanOrEqual(5);
    const sorted = [...lateness].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    expect(sorted.length).toBeGreaterThan(1_000);
    // The misbehaving server shares this process and the test suite shares the machine (a replay next door takes both
    // cores; 845 ms was seen then), so the bound is loose: what it rules out is runs held up for the length of a
    // timeout (1.5 s), which the four misbehaving checks alone, 2 % of the runs, would put in the p99.
    // `npm run bench` measures lateness precisely.
    expect(p99, `p99 lateness ${p99} ms`).toBeLessThan(1_000);
  }, 30_000);
});
