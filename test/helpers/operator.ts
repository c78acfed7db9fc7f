import { VirtualClock } from '../../src/clock.js';
import type { Signal } from '../../src/correlate/signal.js';
import type { RunRecord } from '../../src/store/check-repository.js';
import { startPicket, type TestPicket } from './picket.js';
import { startServer } from './servers.js';

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** Noon UTC, so "today" and "the last 24 hours" are easy to reason about. */
export const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
export const ADMIN = 'admin-token-for-api-tests';

export const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (HTML, metrics)
  }
  return { status: res.status, body: body as Record<string, any>, text, headers: res.headers };
};

/** `n` runs of a check spread over the hour starting at `start`, `ok` of them good, each with a latency. */
export function runs(checkKey: number, start: number, n: number, ok: number, latencyMs: number): RunRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    checkKey,
    ts: start + i * Math.floor(HOUR / n),
    result: { ok: i < ok, status: i < ok ? 200 : 503, error: i < ok ? undefined : ('status' as const), message: 'x', timings: { totalMs: latencyMs }, findings: [] },
    attempts: 1,
    latencyMs,
    state: { state: 'up' as const, since: null, failures: 0, successes: 1, findings: [] },
    history: true,
  }));
}

export const signal = (over: Partial<Signal> = {}): Signal => ({
  ts: NOW,
  service: 'auth',
  detector: 'credential-stuffing',
  family: 'auth',
  class: 'attack.credential_stuffing',
  severity: 'warning',
  state: 'firing',
  key: 'net:203.0.113.0/24',
  summary: 'possible credential stuffing',
  evidence: { ips: [{ key: '203.0.113.7', count: 40 }], users: [{ key: '<img src=x onerror=alert(1)>', count: 2 }], statuses: { '401': 40 } },
  ...over,
});

export async function picketWithHistory(extra = ''): Promise<{ picket: TestPicket; clock: VirtualClock; key: number }> {
  const target = await startServer((_req, res) => res.end('ok'));
  const clock = new VirtualClock(NOW);
  const picket = await startPicket(
    `server: { host: 127.0.0.1, port: 0, adminToken: "\${ADMIN}" ${extra} }
services:
  auth: { name: Authentication API, routes: ["/auth/*"] }
channels:
  hook: { type: webhook, url: "http://127.0.0.1:9/hook?key=\${HOOK_KEY}" }
escalation:
  policies: { default: [ { after: 10m, notify: [hook] } ] }
  routes: [ { match: {}, policy: default } ]
`,
    {
      env: { ADMIN, HOOK_KEY: 'hook-secret-value', READ: 'read-token-value' },
      files: { 'checks/a.yaml': `- { id: auth-health, service: auth, kind: http, url: "${target.url}/health?apikey=do-not-show", interval: 1h }\n` },
      runtime: { clock },
    },
  );
  const key = picket.runtime.store.checkHistory.get('auth-health')!.key;
  const store = picket.runtime.store.checks;
  // Today: 10 good runs an hour for the last 3 hours; 3 days ago: half good; 20 days ago: all failed; 60 days ago: good.
  store.writeRuns([
    ...runs(key, NOW - 3 * HOUR, 10, 10, 20),
    ...runs(key, NOW - 2 * HOUR, 10, 10, 40),
    ...runs(key, NOW - 1 * HOUR, 10, 10, 60),
    ...runs(key, NOW - 3 * DAY, 10, 5, 100),
    ...runs(key, NOW - 20 * DAY, 10, 0, 100),
    ...runs(key, NOW - 60 * DAY, 20, 20, 100),
  ]);
  return { picket, clock, key };
}

