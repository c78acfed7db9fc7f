import { describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../src/clock.js';
import { runCli } from '../helpers/cli.js';
import { ADMIN, DAY, get, HOUR, NOW, picketWithHistory, runs, signal } from '../helpers/operator.js';
import { post } from '../helpers/picket.js';

describe('GET /api/v1/checks', () => {
  it('gives state, last result, uptime over 24 h, 7, 30 and 90 days and latency percentiles from rollups', async () => {
    const { picket } = await picketWithHistory();
    const { status, body } = await get(`${picket.url}/api/v1/checks`);
    expect(status).toBe(200);
    const [check] = body.checks;
    expect(check).toMatchObject({ id: 'auth-health', service: 'auth', kind: 'http', intervalMs: HOUR });
    expect(check.runs).toEqual({ '24h': 30, '7d': 40, '30d': 50, '90d': 70 });
    expect(check.uptime).toEqual({ '24h': 1, '7d': 35 / 40, '30d': 35 / 50, '90d': 55 / 70 });
    // 10 runs each at 20, 40 and 60 ms: the median is 40 ms and p95 60 ms, within the histogram's 9 % buckets.
    expect(check.latencyMs.p50).toBeGreaterThan(36);
    expect(check.latencyMs.p50).toBeLessThan(44);
    expect(check.latencyMs.p95).toBeGreaterThan(54);
    expect(check.latencyMs.p95).toBeLessThan(66);
    expect(check.key).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain('do-not-show');
  });

  it('sees runs written later into days and hours it had already summarized', async () => {
    const { picket, key } = await picketWithHistory();
    expect((await get(`${picket.url}/api/v1/checks`)).body.checks[0].runs['30d']).toBe(50);
    // A late batch (a restart flushing what it kept while the store was down) lands in a settled day.
    picket.runtime.store.checks.writeRuns(runs(key, NOW - 10 * DAY, 10, 10, 30));
    const after = (await get(`${picket.url}/api/v1/checks`)).body.checks[0];
    expect(after.runs['30d']).toBe(60);
    expect(after.uptime['30d']).toBe(45 / 60);
  });

  it('gives one check with 90 daily bars, and 404 for an unknown one', async () => {
    const { picket } = await picketWithHistory();
    const { body } = await get(`${picket.url}/api/v1/checks/auth-health`);
    expect(body.check.days).toHaveLength(90);
    expect(body.check.days.at(-1)).toEqual({ day: '2026-11-30', runs: 30, ok: 30, uptime: 1 });
    expect(body.check.days.at(-4)).toMatchObject({ day: '2026-11-27', runs: 10, ok: 5, uptime: 0.5 });
    expect(body.check.days.at(-2).uptime).toBeNull();
    expect((await get(`${picket.url}/api/v1/checks/nope`)).status).toBe(404);
  });

  it('gives history raw and at 1m, 1h and 1d steps, and refuses a range that is too wide', async () => {
    const { picket } = await picketWithHistory();
    const base = `${picket.url}/api/v1/checks/auth-health/history`;
    const raw = await get(`${base}?step=raw&from=${NOW - 2 * HOUR}&to=${NOW}`);
    expect(raw.body.points).toHaveLength(20);
    expect(raw.body.points[0]).toMatchObject({ ok: true, status: 200, latencyMs: 40 });
    const hours = await get(`${base}?step=1h&from=${new Date(NOW - 4 * HOUR).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(hours.body.points.map((p: { runs: number }) => p.runs)).toEqual([10, 10, 10]);
    expect(hours.body.points[0].latencyMs).toMatchObject({ avg: 20, min: 20, max: 20 });
    const days = await get(`${base}?step=1d`);
    expect(days.body.points.map((p: { runs: number }) => p.runs)).toEqual([20, 10, 10, 30]);
    const minutes = await get(`${base}?step=1m&from=${NOW - HOUR}&to=${NOW}`);
    expect(minutes.body.points).toHaveLength(10);
    const tooWide = await get(`${base}?step=1m&from=${NOW - 30 * DAY}&to=${NOW}`);
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.detail).toMatch(/at most 10000/);
    expect((await get(`${base}?step=2h`)).status).toBe(400);
    expect((await get(`${base}?from=yesterday`)).status).toBe(400);
    expect((await get(`${base}?from=${NOW}&to=${NOW - 1}`)).status).toBe(400);
  });
});

describe('incidents over the API', () => {
  it('lists, shows the timeline, and acknowledges and resolves only with the admin token', async () => {
    const { picket, clock } = await picketWithHistory();
    picket.runtime.pipeline.correlator.handle(signal());
    const list = await get(`${picket.url}/api/v1/incidents?state=open`);
    expect(list.body.incidents).toHaveLength(1);
    const id = list.body.incidents[0].id as number;
    expect(list.body.incidents[0]).toMatchObject({ service: 'auth', class: 'attack.credential_stuffing', severity: 'warning', state: 'open', escalation: { level: 0 } });

    expect((await post(`${picket.url}/api/v1/incidents/${id}/ack`, '')).status).toBe(401);
    expect((await post(`${picket.url}/api/v1/incidents/${id}/ack`, '', { authorization: 'Bearer wrong' })).status).toBe(401);
    clock.advance(60_000);
    const acked = await post(`${picket.url}/api/v1/incidents/${id}/ack`, '', { authorization: `Bearer ${ADMIN}`, 'x-picket-user': 'ana' });
    expect(acked.status).toBe(200);
    expect(acked.body.incident).toMatchObject({ acknowledgedBy: 'ana', acknowledgedAt: NOW + 60_000 });
    // Acknowledging twice is harmless.
    expect((await post(`${picket.url}/api/v1/incidents/${id}/ack`, '', { authorization: `Bearer ${ADMIN}` })).status).toBe(200);

    const resolved = await post(`${picket.url}/api/v1/incidents/${id}/resolve`, '', { authorization: `Bearer ${ADMIN}`, 'x-picket-user': 'ana' });
    expect(resolved).toMatchObject({ status: 200, body: { incident: { state: 'resolved', resolveReason: 'resolved by ana' } } });
    expect((await post(`${picket.url}/api/v1/incidents/${id}/resolve`, '', { authorization: `Bearer ${ADMIN}` })).status).toBe(409);
    expect((await post(`${picket.url}/api/v1/incidents/999/ack`, '', { authorization: `Bearer ${ADMIN}` })).status).toBe(404);

    const detail = await get(`${picket.url}/api/v1/incidents/${id}`);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['opened', 'acknowledged', 'resolved']));
    expect(detail.body.incident.evidence.ips).toEqual([{ key: '203.0.113.7', count: 40 }]);
    expect((await get(`${picket.url}/api/v1/incidents?state=open`)).body.incidents).toEqual([]);
    expect((await get(`${picket.url}/api/v1/incidents?state=closed`)).status).toBe(400);
    expect((await get(`${picket.url}/api/v1/incidents/abc`)).status).toBe(404);
  });

  it('pages through incidents with limit and before', async () => {
    const { picket, clock } = await picketWithHistory();
    for (const service of ['auth', 'orders', 'billing']) {
      picket.runtime.pipeline.correlator.handle(signal({ service, ts: clock.now() }));
      clock.advance(1000);
    }
    const first = await get(`${picket.url}/api/v1/incidents?limit=2`);
    expect(first.body.incidents.map((i: { service: string }) => i.service)).toEqual(['billing', 'orders']);
    const second = await get(`${picket.url}/api/v1/incidents?limit=2&before=${first.body.next}`);
    expect(second.body.incidents.map((i: { service: string }) => i.service)).toEqual(['auth']);
    expect(second.body.next).toBeNull();
    const services = await get(`${picket.url}/api/v1/services`);
    expect(services.body.services.map((s: { service: string; state: string }) => [s.service, s.state])).toEqual([
      ['auth', 'degraded'],
      ['billing', 'degraded'],
      ['orders', 'degraded'],
    ]);
  });
});

describe('read access', () => {
  it('is open by default and closed by server.readToken (bearer or Basic), with health and ingest left open', async () => {
    const { picket } = await picketWithHistory(', readToken: "${READ}"');
    const closed = await get(`${picket.url}/api/v1/checks`);
    expect(closed.status).toBe(401);
    expect(closed.headers.get('www-authenticate')).toMatch(/^Basic realm="picket"/);
    expect((await get(`${picket.url}/`)).status).toBe(401);
    expect((await get(`${picket.url}/metrics`)).status).toBe(401);
    expect((await get(`${picket.url}/api/v1/checks`, { authorization: 'Bearer read-token-value' })).status).toBe(200);
    expect((await get(`${picket.url}/api/v1/checks`, { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    const basic = `Basic ${Buffer.from('anyone:read-token-value').toString('base64')}`;
    expect((await get(`${picket.url}/`, { authorization: basic })).status).toBe(200);
    expect((await get(`${picket.url}/api/v1/checks`, { authorization: 'Bearer read-token-valuX' })).status).toBe(401);
    expect((await get(`${picket.url}/healthz`)).status).toBe(200);
    expect((await get(`${picket.url}/readyz`)).status).toBe(200);
    // Ingest keeps its own auth: an unknown source is still a 404, not a 401.
    expect((await post(`${picket.url}/ingest/nope`, '{}', { 'content-type': 'application/json' })).status).toBe(404);
    // The read token cannot write.
    expect((await post(`${picket.url}/api/v1/incidents/1/ack`, '', { authorization: 'Bearer read-token-value' })).status).toBe(401);
  });
});

describe('/metrics, /readyz and secrets', () => {
  it('exposes bounded series and never a URL, query string or secret', async () => {
    const { picket } = await picketWithHistory();
    picket.runtime.pipeline.correlator.handle(signal());
    picket.runtime.metrics.probeRan({ id: 'auth-health', kind: 'http' }, { ok: true, status: 200, timings: { totalMs: 12 } });
    picket.runtime.metrics.scheduledLate(3);
    const { status, text, headers } = await get(`${picket.url}/metrics`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('picket_probe_runs_total{check="auth-health",kind="http",result="ok"} 1');
    expect(text).toContain('picket_probe_duration_seconds_bucket{le="0.025",check="auth-health",kind="http"} 1');
    expect(text).toContain('picket_check_state{check="auth-health",kind="http",service="auth",state="unknown"} 1');
    expect(text).toContain('picket_incidents_open{class="attack.credential_stuffing",severity="warning"} 1');
    expect(text).toContain('picket_scheduler_lateness_seconds_count 1');
    expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
    expect(text).toMatch(/process_resident_memory_bytes \d/);
    for (const leak of ['do-not-show', 'hook-secret-value', ADMIN, '127.0.0.1']) expect(text).not.toContain(leak);
    for (const path of ['/api/v1/checks', '/api/v1/incidents/1', '/api/v1/outbox', '/', '/checks/auth-health', '/incidents/1']) {
      const page = await get(`${picket.url}${path}`);
      expect(page.status, path).toBe(200);
      for (const leak of ['hook-secret-value', ADMIN, 'do-not-show']) expect(page.text, path).not.toContain(leak);
    }
  });

  it('answers /readyz 503 with the reason while the store refuses writes, and 200 again after', async () => {
    const { picket } = await picketWithHistory();
    // The test's virtual clock does not move, so ticks look fresh; the store write is what is tested here.
    picket.runtime.runner.scheduler.lastTickAt = NOW;
    picket.runtime.outbox.lastRunAt = NOW;
    expect((await get(`${picket.url}/readyz`)).status).toBe(200);
    picket.runtime.store.db.pragma('query_only = ON');
    (picket.runtime.pipeline.correlator as unknown as { opts: { clock: VirtualClock } }).opts.clock.advance(2_000);
    const down = await get(`${picket.url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error: 'not_ready', detail: expect.stringMatching(/^store does not take writes: .*readonly/) });
    picket.runtime.store.db.pragma('query_only = OFF');
    (picket.runtime.pipeline.correlator as unknown as { opts: { clock: VirtualClock } }).opts.clock.advance(2_000);
    picket.runtime.runner.scheduler.lastTickAt = NOW + 4_000;
    picket.runtime.outbox.lastRunAt = NOW + 4_000;
    expect((await get(`${picket.url}/readyz`)).status).toBe(200);
  });
});

describe('CLI against the running picket', () => {
  it('status, incidents, ack and resolve', async () => {
    const { picket } = await picketWithHistory();
    picket.runtime.pipeline.correlator.handle(signal());
    const status = await runCli(['status', '--url', picket.url]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^SERVICE\s+STATE\s+CHECKS UP\s+OPEN INCIDENTS\nauth\s+degraded\s+1\/1\s+1 \(warning\)/);
    expect(status.stdout).toMatch(/auth-health\s+auth\s+http\s+up\s+100 %\s+87\.50 %\s+70\.00 %\s+78\.57 %/);
    expect(status.stdout).toContain('notifications: 0 waiting, 0 dead');
    // Piped output is plain.
    expect(status.stdout).not.toContain('\u001b[');
    const json = JSON.parse((await runCli(['status', '--url', picket.url, '--json'])).stdout) as { checks: { id: string }[] };
    expect(json.checks.map((c) => c.id)).toEqual(['auth-health']);

    const open = await runCli(['incidents', '--open', '--url', picket.url]);
    expect(open.stdout).toMatch(/^ID\s+STATE\s+SEVERITY\s+SERVICE\s+CLASS\s+AGE\s+LEVEL\s+SUMMARY\n1\s+open\s+warning\s+auth\s+attack\.credential_stuffing/);
    const refused = await runCli(['ack', '1', '--url', picket.url, '--token', 'wrong']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/picket answered 401/);
    const ack = await runCli(['ack', '1', '--url', picket.url, '--token', ADMIN], { env: { USER: 'ana' } });
    expect(ack.stdout).toBe('#1 auth attack.credential_stuffing: acknowledged by ana\n');
    const resolve = await runCli(['resolve', '1', '--url', picket.url, '--token', ADMIN], { env: { USER: 'ana' } });
    expect(resolve.stdout).toBe('#1 auth attack.credential_stuffing: resolved (resolved by ana)\n');
    const again = await runCli(['resolve', '1', '--url', picket.url, '--token', ADMIN]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/409: incident 1 is already resolved/);
    const all = JSON.parse((await runCli(['incidents', '--json', '--url', picket.url])).stdout) as { state: string }[];
    expect(all.map((i) => i.state)).toEqual(['resolved']);
    expect((await runCli(['incidents', '--open', '--url', picket.url])).stdout).toBe('no open incidents\n');
  });
});
