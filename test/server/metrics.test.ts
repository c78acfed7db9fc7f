import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { CheckStateSource, ProbeRunOutcome } from '../../src/server/check-metrics.js';
import { PicketMetrics } from '../../src/server/metrics.js';

function metricsOver(checks: CheckStateSource[]) {
  return new PicketMetrics({
    checks: () => checks,
    openIncidents: () => [],
    outboxDepth: () => [],
    notifications: () => ({ delivered: 0, retried: 0, dead: 0 }),
    webhooks: () => new Map(),
    telemetry: () => ({ accepted: 0, rejected: 0, refused: 0 }),
    scheduler: () => ({ launched: 3, skipped: 0, missed: 0 }),
  });
}

/** The whole exposition, as the /metrics route streams it. */
async function textOf(m: PicketMetrics): Promise<string> {
  let text = '';
  for await (const part of m.parts()) text += part;
  return text;
}

const PER_CHECK = /^picket_(probe_runs_total|probe_duration_seconds|check_state)[_{ ]/;
const stateLines = (text: string) => text.split('\n').filter((l) => l.startsWith('picket_check_state{'));

/** The same families written by prom-client itself, the reference for the text format. */
function promClientText(checks: CheckStateSource[], runs: [{ id: string; kind: string }, ProbeRunOutcome][]): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const counter = new Counter({ name: 'picket_probe_runs_total', help: 'h', labelNames: ['check', 'kind', 'result'], registers });
  const histogram = new Histogram({
    name: 'picket_probe_duration_seconds',
    help: 'h',
    labelNames: ['check', 'kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const gauge = new Gauge({ name: 'picket_check_state', help: 'h', labelNames: ['check', 'kind', 'service', 'state'], registers });
  for (const [check, result] of runs) {
    counter.inc({ check: check.id, kind: check.kind, result: result.ok ? 'ok' : (result.error ?? 'fail') });
    if (result.ok || result.status !== undefined) histogram.observe({ check: check.id, kind: check.kind }, result.timings.totalMs / 1000);
  }
  for (const c of checks) for (const state of ['up', 'down', 'unknown']) gauge.set({ check: c.id, kind: c.kind, service: c.service, state }, c.state === state ? 1 : 0);
  return registry.metrics();
}

describe('PicketMetrics', () => {
  it('writes the per-check series line for line as prom-client does, escapes included', async () => {
    const checks: CheckStateSource[] = [
      { id: 'login', kind: 'auth-login', service: 'auth', state: 'up' },
      { id: 'odd "id" \\ with\nnewline', kind: 'http', service: 'edge', state: 'down' },
      { id: 'never-ran', kind: 'tcp', service: 'edge', state: 'unknown' },
    ];
    const runs: [{ id: string; kind: string }, ProbeRunOutcome][] = [
      [checks[0]!, { ok: true, status: 200, timings: { totalMs: 12 } }],
      [checks[0]!, { ok: true, status: 200, timings: { totalMs: 0.4 } }],
      [checks[0]!, { ok: false, error: 'status', status: 500, timings: { totalMs: 31_000 } }],
      [checks[0]!, { ok: false, error: 'timeout', timings: { totalMs: 5_000 } }],
      [checks[1]!, { ok: false, error: 'connect', timings: { totalMs: 2 } }],
      [checks[1]!, { ok: false, timings: { totalMs: 2 } }],
      [checks[0]!, { ok: true, status: 200, timings: { totalMs: 10 } }],
      [checks[0]!, { ok: true, status: 200, timings: { totalMs: 250 } }],
    ];
    const m = metricsOver(checks);
    for (const [check, result] of runs) m.probeRan(check, result);
    const ours = (await textOf(m)).split('\n').filter((l) => PER_CHECK.test(l));
    const theirs = (await promClientText(checks, runs)).split('\n').filter((l) => PER_CHECK.test(l));
    expect(ours.length).toBe(5 + 15 + 9);
    expect(ours.sort()).toEqual(theirs.sort());
    expect(ours).toContain('picket_probe_duration_seconds_bucket{le="0.01",check="login",kind="auth-login"} 2');
    expect(ours).toContain('picket_probe_runs_total{check="odd \\"id\\" \\\\ with\\nnewline",kind="http",result="fail"} 1');
  });

  it('keeps the families with few series, each with its HELP and TYPE, and ends with a newline', async () => {
    const m = metricsOver([{ id: 'login', kind: 'auth-login', service: 'auth', state: 'up' }]);
    m.scheduledLate(3);
    const text = await textOf(m);
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toContain('picket_scheduler_lateness_seconds_count 1');
    expect(text).toContain('picket_scheduler_runs_total{outcome="launched"} 3');
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    for (const name of ['picket_probe_runs_total', 'picket_probe_duration_seconds', 'picket_check_state', 'picket_scheduler_runs_total']) {
      expect(text.match(new RegExp(`^# HELP ${name} `, 'gm')), name).toHaveLength(1);
      expect(text.match(new RegExp(`^# TYPE ${name} (counter|histogram|gauge)$`, 'gm')), name).toHaveLength(1);
    }
  });

  it('follows state changes, checks that move to another service and checks that are removed', async () => {
    const checks = [
      { id: 'login', kind: 'auth-login', service: 'auth', state: 'unknown' },
      { id: 'guard', kind: 'auth-guard', service: 'auth', state: 'up' },
    ];
    const m = metricsOver(checks);
    expect(stateLines(await textOf(m))).toEqual([
      'picket_check_state{check="login",kind="auth-login",service="auth",state="up"} 0',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="down"} 0',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="unknown"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="auth",state="up"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="auth",state="down"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="auth",state="unknown"} 0',
    ]);
    checks[0]!.state = 'down';
    checks[1]!.service = 'edge';
    expect(stateLines(await textOf(m))).toEqual([
      'picket_check_state{check="login",kind="auth-login",service="auth",state="up"} 0',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="down"} 1',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="unknown"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="up"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="down"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="unknown"} 0',
    ]);
    checks.splice(0, 1);
    expect(stateLines(await textOf(m))).toEqual([
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="up"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="down"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="unknown"} 0',
    ]);
  });

  it('lets timers run while it writes the series of thousands of checks', async () => {
    const checks = Array.from({ length: 5_000 }, (_, i) => ({ id: `check-${i}`, kind: 'http', service: `svc${i % 20}`, state: 'up' }));
    const m = metricsOver(checks);
    for (const c of checks) m.probeRan(c, { ok: true, status: 200, timings: { totalMs: 20 } });
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    let parts = 0;
    let lines = 0;
    for await (const part of m.parts()) {
      parts++;
      lines += part.split('\n').length - 1;
    }
    clearInterval(counting);
    expect(lines).toBeGreaterThan(5_000 * (1 + 15 + 3));
    // Each family of 5,000 checks comes in 25 slices with a turn of the event loop before each.
    expect(parts).toBeGreaterThan(3 * 25);
    expect(turns).toBeGreaterThan(10);
  });
});
