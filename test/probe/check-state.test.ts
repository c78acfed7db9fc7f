import { describe, expect, it } from 'vitest';
import { applyRun, INITIAL_STATE, type CheckState } from '../../src/probe/check-state.js';
import { runCheck } from '../../src/probe/run-check.js';
import type { Finding } from '../../src/probe/types.js';
import type { ProbeResult } from '../../src/store/records.js';
import { makeCheck } from '../helpers/checks.js';
import { startServer } from '../helpers/servers.js';

const thresholds = { failureThreshold: 2, successThreshold: 2 };
const ok = (findings: Finding[] = []): ProbeResult => ({ ok: true, status: 200, message: 'ok', timings: { totalMs: 1 }, findings });
const fail: ProbeResult = { ok: false, error: 'refused', message: 'refused', timings: { totalMs: 1 }, findings: [] };
const bypass: Finding = { key: 'auth_bypass:none', class: 'misconfig.auth_bypass', severity: 'critical', message: 'accepted' };

function fold(results: ProbeResult[], start: CheckState = INITIAL_STATE) {
  let state = start;
  const changes: string[] = [];
  results.forEach((r, i) => {
    const t = applyRun(state, r, thresholds, i);
    state = t.next;
    if (t.changed) changes.push(`${i}:${t.changed.from}->${t.changed.to}`);
  });
  return { state, changes };
}

describe('check state', () => {
  it('is up on the first good run, down after failureThreshold failures, up after successThreshold', () => {
    const { changes, state } = fold([ok(), fail, ok(), fail, fail, fail, ok(), fail, ok(), ok()]);
    expect(changes).toEqual(['0:unknown->up', '4:up->down', '9:down->up']);
    expect(state).toMatchObject({ state: 'up', since: 9, successes: 2, failures: 0 });
  });

  it('goes down from unknown only after failureThreshold failures', () => {
    expect(fold([fail]).changes).toEqual([]);
    expect(fold([fail, fail]).changes).toEqual(['1:unknown->down']);
  });

  it('raises a finding once, keeps it while it persists, clears it when a run of its scope no longer sees it', () => {
    let t = applyRun(INITIAL_STATE, ok([bypass]), thresholds, 1);
    expect(t.raised).toEqual([bypass]);
    t = applyRun(t.next, ok([bypass]), thresholds, 2);
    expect(t.raised).toEqual([]);
    // A run of another schedule neither raises nor clears main-schedule findings.
    t = applyRun(t.next, ok(), thresholds, 3, 'wrong-password');
    expect(t.cleared).toEqual([]);
    expect(t.next.findings).toHaveLength(1);
    t = applyRun(t.next, ok(), thresholds, 4);
    expect(t.cleared).toEqual([bypass]);
    expect(t.next.findings).toEqual([]);
  });

  it('raises a finding again when its severity changes', () => {
    const warn: Finding = { key: 'tls:expiry', class: 'misconfig.tls', severity: 'warning', message: '20 days' };
    const crit: Finding = { ...warn, severity: 'critical', message: '5 days' };
    const first = applyRun(INITIAL_STATE, ok([warn]), thresholds, 1);
    const second = applyRun(first.next, ok([{ ...warn, message: '19 days' }]), thresholds, 2);
    expect(second.raised).toEqual([]);
    expect(second.next.findings[0]!.message).toBe('19 days');
    expect(applyRun(second.next, ok([crit]), thresholds, 3).raised).toEqual([crit]);
  });

  it('does not count extra-schedule runs for availability', () => {
    const t = applyRun(INITIAL_STATE, fail, { failureThreshold: 1, successThreshold: 1 }, 1, 'wrong-password');
    expect(t.next.state).toBe('unknown');
    expect(t.next.failures).toBe(0);
  });
});

describe('confirm retry', () => {
  it('re-runs a failed probe at once, and the run counts as good when the retry passes', async () => {
    let calls = 0;
    const server = await startServer((_req, res) => {
      calls++;
      res.statusCode = calls % 2 === 1 ? 503 : 200;
      res.end();
    });
    const run = await runCheck(makeCheck({ kind: 'http', url: server.url, confirmRetries: 1 }), { configDir: '.' });
    expect(run).toMatchObject({ attempts: 2, result: { ok: true } });
    const noRetry = await runCheck(makeCheck({ kind: 'http', url: server.url, confirmRetries: 0 }), { configDir: '.' });
    expect(noRetry).toMatchObject({ attempts: 1, result: { ok: false, status: 503 } });
  });

  it('fails the run only when every attempt failed', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const run = await runCheck(makeCheck({ kind: 'http', url: server.url, confirmRetries: 2 }), { configDir: '.' });
    expect(run).toMatchObject({ attempts: 3, result: { ok: false, status: 500 } });
  });

  it('turns a probe that throws into a failed run', async () => {
    const run = await runCheck(makeCheck({ kind: 'http', url: 'http://127.0.0.1:9/', ca: 'no-such-ca.pem', confirmRetries: 0 }), { configDir: '/nonexistent' });
    expect(run.result).toMatchObject({ ok: false, error: 'assertion', assertion: 'probe error' });
    expect(run.result.message).toContain('ENOENT');
  });
});
