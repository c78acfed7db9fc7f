import { describe, expect, it } from 'vitest';
import { PicketMetrics } from '../../src/server/metrics.js';

function metricsOver(checks: { id: string; kind: string; service: string; state: string }[]) {
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

const stateLines = (text: string) => text.split('\n').filter((l) => l.startsWith('picket_check_state{'));
/** Metrics whose values move between two reads (process and GC figures) are left out of comparisons. */
const steady = (text: string) => text.split('\n').filter((l) => l.startsWith('picket_'));

describe('PicketMetrics', () => {
  it('writes the same text as the registry does in one go', async () => {
    const m = metricsOver([{ id: 'login', kind: 'auth-login', service: 'auth', state: 'up' }]);
    m.probeRan({ id: 'login', kind: 'auth-login' }, { ok: true, status: 200, timings: { totalMs: 12 } });
    const [ours, theirs] = [await m.text(), await m.registry.metrics()];
    expect(steady(ours)).toEqual(steady(theirs));
    expect(ours.endsWith('\n')).toBe(true);
    expect(ours).toContain('picket_probe_duration_seconds_count{check="login",kind="auth-login"} 1');
  });

  it('follows state changes, checks that move to another service and checks that are removed', async () => {
    const checks = [
      { id: 'login', kind: 'auth-login', service: 'auth', state: 'unknown' },
      { id: 'guard', kind: 'auth-guard', service: 'auth', state: 'up' },
    ];
    const m = metricsOver(checks);
    expect(stateLines(await m.text())).toEqual([
      'picket_check_state{check="login",kind="auth-login",service="auth",state="up"} 0',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="down"} 0',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="unknown"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="auth",state="up"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="auth",state="down"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="auth",state="unknown"} 0',
    ]);
    checks[0]!.state = 'down';
    checks[1]!.service = 'edge';
    expect(stateLines(await m.text())).toEqual([
      'picket_check_state{check="login",kind="auth-login",service="auth",state="up"} 0',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="down"} 1',
      'picket_check_state{check="login",kind="auth-login",service="auth",state="unknown"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="up"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="down"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="unknown"} 0',
    ]);
    checks.splice(0, 1);
    expect(stateLines(await m.text())).toEqual([
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="up"} 1',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="down"} 0',
      'picket_check_state{check="guard",kind="auth-guard",service="edge",state="unknown"} 0',
    ]);
  });
});
