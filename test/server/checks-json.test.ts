import { describe, expect, it } from 'vitest';
import { checksJson, checkView } from '../../src/server/api/checks.js';
import type { CheckStatus, CheckSummary } from '../../src/store/check-history.js';

const check = (i: number): CheckStatus => ({
  key: i + 1,
  id: `check-${i}`,
  service: `svc${i % 7}`,
  kind: 'http',
  target: `http://127.0.0.1/c${i}`,
  intervalMs: 5_000,
  state: i % 3 === 0 ? 'down' : 'up',
  stateSince: 1_000 + i,
  lastRunAt: i % 5 === 0 ? null : 2_000 + i,
  lastResult: i % 5 === 0 ? null : { ts: 2_000 + i, attempts: 1, ok: i % 3 !== 0, message: 'HTTP 200 "quoted" \u2028', status: 200, timings: { totalMs: i }, findings: [] },
  findings: [],
  ...(i % 2 === 0 ? { name: `Check ${i}` } : {}),
});

const summary = (key: number): CheckSummary => ({
  uptime: {
    '24h': { runs: key, ok: key - 1, uptime: (key - 1) / key },
    '7d': { runs: 0, ok: 0, uptime: null },
    '30d': { runs: 2 * key, ok: key, uptime: 0.5 },
    '90d': { runs: 3 * key, ok: 3 * key, uptime: 1 },
  },
  latencyMs: { p50: key / 2, p95: key === 1 ? null : key },
});

async function text(checks: CheckStatus[]): Promise<string> {
  let out = '';
  for await (const part of checksJson(checks, summary)) out += part;
  return out;
}

describe('checksJson', () => {
  it('writes the same answer as one JSON.stringify, over several parts', async () => {
    const checks = Array.from({ length: 601 }, (_, i) => check(i));
    const out = await text(checks);
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify({ checks: checks.map((c) => checkView(c, summary(c.key))) })));
  });

  it('writes an empty list, and one check alone', async () => {
    expect(JSON.parse(await text([]))).toEqual({ checks: [] });
    const [one] = (JSON.parse(await text([check(2)])) as { checks: Record<string, unknown>[] }).checks;
    expect(one).toMatchObject({ id: 'check-2', name: 'Check 2', uptime: { '24h': 2 / 3, '7d': null }, runs: { '30d': 6 }, latencyMs: { p50: 1.5, p95: 3 } });
    expect(one).not.toHaveProperty('key');
  });
});
