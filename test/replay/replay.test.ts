import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir, writeTree } from '../helpers/temp.js';

const T0 = Date.parse('2026-11-23T20:00:00Z');

/** A login probe failing, an external monitor agreeing, then recovery; plus a burst of failed logins from one IP. */
function records(): string {
  const lines: unknown[] = [];
  for (let i = 0; i < 120; i++) {
    const ts = T0 + i * 10_000;
    const down = i >= 30 && i < 60;
    lines.push({ type: 'probe', ts, check: 'auth-login', service: 'auth', kind: 'auth-login', ok: !down, status: down ? 503 : 200, ...(down ? { error: 'status' } : {}), latencyMs: 12 });
    lines.push({ ts: new Date(ts).toISOString(), method: 'GET', route: '/auth/session', status: 200, ip: '198.51.100.1', auth: 'none' });
  }
  lines.push({ type: 'webhook', ts: T0 + 310_000, source: 'lagnis', body: { event: 'monitor.down', monitor: { id: 'm-17', url: 'https://api.example.com/auth/health' }, check: { status: 'down', checked_at: new Date(T0 + 310_000).toISOString() }, incident: { id: 'i-1' } } });
  lines.push({ type: 'webhook', ts: T0 + 620_000, source: 'lagnis', body: { event: 'monitor.up', monitor: { id: 'm-17', url: 'https://api.example.com/auth/health' }, check: { status: 'up', checked_at: new Date(T0 + 620_000).toISOString() }, incident: { id: 'i-1' } } });
  for (let i = 0; i < 30; i++) {
    lines.push({ ts: T0 + 900_000 + i * 5_000, method: 'POST', route: '/auth/login', status: 401, ip: '203.0.113.9', user: `victim${i}@example.com`, auth: 'failure', country: 'RO', asn: 9009 });
  }
  lines.push('this line is not JSON');
  return (lines as (string | object)[]).map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).sort((a, b) => ts(a) - ts(b)).join('\n');
}

function ts(line: string): number {
  try {
    const r = JSON.parse(line) as { ts: number | string };
    return typeof r.ts === 'number' ? r.ts : Date.parse(r.ts);
  } catch {
    return Infinity;
  }
}

describe('picket replay', () => {
  it('prints one JSON object per incident, the same every time', async () => {
    const dir = writeTree(tempDir(), {
      'picket.yaml': 'services:\n  auth: { routes: ["/auth/*"], monitors: ["m-17"] }\nsources:\n  lagnis: { format: lagnis, auth: { type: none } }\n',
    });
    const file = path.join(dir, 'traffic.ndjson');
    writeFileSync(file, records());
    const first = await runCli(['replay', file, '--config', path.join(dir, 'picket.yaml'), '--json']);
    expect(first.code, first.stderr).toBe(0);
    const incidents = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(incidents).toEqual([
      {
        id: 1,
        class: 'outage',
        severity: 'critical',
        service: 'auth',
        openedAt: new Date(T0 + 310_000).toISOString(),
        resolvedAt: expect.any(String),
        summary: expect.stringContaining('outage on auth'),
        evidence: { ips: [], users: [] },
      },
      {
        id: 2,
        class: 'attack.credential_stuffing',
        severity: 'warning',
        service: 'auth',
        openedAt: new Date(T0 + 900_000 + 24 * 5_000).toISOString(),
        resolvedAt: null,
        summary: expect.stringMatching(/^possible credential stuffing on auth: auth: 25 failed logins on 25 users from (203\.0\.113\.9|AS9009) in 15 min$/),
        evidence: { ips: ['203.0.113.9'], users: expect.arrayContaining(['victim24@example.com']) },
      },
    ]);
    const second = await runCli(['replay', file, '--config', path.join(dir, 'picket.yaml'), '--json']);
    expect(second.stdout).toBe(first.stdout);
  });

  it('works without a config, naming services by the first path segment and formats by source', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'traffic.ndjson');
    writeFileSync(file, records());
    const r = await runCli(['replay', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^273 records \(120 probe, 150 request, 2 external; 1 rejected\), \d+ incidents\n/);
  });
});
