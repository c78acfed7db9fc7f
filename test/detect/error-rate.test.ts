import { describe, expect, it } from 'vitest';
import * as errorRate from '../../src/detect/error-rate.js';
import * as latency from '../../src/detect/latency.js';
import { detectorHarness, MIN, probe, req, T0 } from '../helpers/detect.js';

const usual = Array.from({ length: 20 }, (_, i) => `198.51.100.${i + 1}`);

/** An hour of ordinary traffic: 60 requests a minute from the usual clients, one of them a 500. */
function normalHour(h: ReturnType<typeof detectorHarness>, from: number): number {
  let t = from;
  for (let m = 0; m < 60; m++) {
    for (let i = 0; i < 60; i++) h.feed(req({ ts: t + i * 1_000, ip: usual[i % usual.length]!, status: i === 7 ? 500 : 200 }));
    t += MIN;
  }
  return t;
}

describe('error-rate detector', () => {
  it('raises a 5xx spike first on the slow rule (6 h and 30 min above 6×), then pages on the fast one (1 h and 5 min above 14.4×)', () => {
    const h = detectorHarness(errorRate);
    let t = normalHour(h, T0);
    for (let m = 0; m < 25; m++) {
      for (let i = 0; i < 60; i++) h.feed(req({ ts: t + i * 1_000, ip: usual[i % usual.length]!, status: i % 20 === 0 ? 200 : 503 }));
      t += MIN;
      // At 95 % errors against a normal 1.7 %, the slow rule holds within minutes; the 1 h window needs longer.
      if (m === 9) expect(new Set(h.firing().map((s) => s.severity))).toEqual(new Set(['warning']));
    }
    h.idle(5_000);
    const fired = h.firing().filter((s) => s.key === 'auth:server').at(-1);
    expect(fired).toMatchObject({ class: 'outage', severity: 'critical', family: 'errors' });
    expect(fired!.evidence.statuses).toMatchObject({ '503': expect.any(Number) });
  });

  it('reads a 401 spike from addresses never seen before as a possible attack', () => {
    const h = detectorHarness(errorRate);
    let t = normalHour(h, T0);
    for (let m = 0; m < 10; m++) {
      for (let i = 0; i < 60; i++) h.feed(req({ ts: t + i * 1_000, ip: usual[i % usual.length]! }));
      for (let i = 0; i < 80; i++) h.feed(req({ ts: t + i * 700, ip: `203.0.113.${(m * 80 + i) % 250}`, status: 401, route: '/auth/login', auth: 'failure', user: `x${i}` }));
      t += MIN;
    }
    h.idle(5_000);
    const fired = h.firing().find((s) => s.key === 'auth:auth');
    expect(fired, JSON.stringify(fired)).toMatchObject({ class: 'attack.suspected' });
    expect(fired!.evidence.metrics!.newIpShare).toBe(1);
  });

  it('reads a 401 spike while the login probe fails as an outage (the identity provider), not an attack', () => {
    const h = detectorHarness(errorRate, {}, { loginChecks: new Map([['auth', new Set(['auth-login'])]]) });
    let t = normalHour(h, T0);
    h.feed(probe(t, { state: 'down', ok: false, stateChange: { from: 'up', to: 'down' } }));
    for (let m = 0; m < 10; m++) {
      for (let i = 0; i < 60; i++) h.feed(req({ ts: t + i * 1_000, ip: `203.0.113.${i}`, status: 401, route: '/auth/login', auth: 'failure', user: `member${i}` }));
      t += MIN;
    }
    h.idle(5_000);
    expect(h.firing().find((s) => s.key === 'auth:auth')).toMatchObject({ class: 'outage' });
  });

  it('does not page on three errors of a quiet service, nor before it has learned', () => {
    const quiet = detectorHarness(errorRate);
    let t = T0;
    for (let m = 0; m < 120; m++) {
      quiet.feed(req({ ts: t, ip: usual[0]!, status: m >= 110 && m < 113 ? 500 : 200 }));
      t += MIN;
    }
    quiet.idle(5_000);
    expect(quiet.firing()).toEqual([]);

    const fresh = detectorHarness(errorRate);
    for (let i = 0; i < 600; i++) fresh.feed(req({ ts: T0 + i * 500, ip: usual[i % 20]!, status: 503 }));
    fresh.idle(5_000);
    expect(fresh.firing()).toEqual([]);
  });
});

describe('latency detector', () => {
  it('raises a sustained rise of p95 over the learned baseline, then resolves it', () => {
    const h = detectorHarness(latency);
    let t = T0;
    const run = (ms: number) => h.feed(probe((t += 10_000), { checkId: 'api', latencyMs: ms }));
    for (let i = 0; i < 60; i++) run(50 + (i % 5));
    for (let i = 0; i < 12; i++) run(400);
    expect(h.firing()).toEqual([expect.objectContaining({ class: 'degradation', key: 'api', severity: 'warning' })]);
    for (let i = 0; i < 30; i++) run(52);
    expect(h.signals.at(-1)).toMatchObject({ state: 'resolved' });
  });

  it('ignores a single slow run', () => {
    const h = detectorHarness(latency);
    let t = T0;
    for (let i = 0; i < 90; i++) h.feed(probe((t += 10_000), { checkId: 'api', latencyMs: i === 65 ? 900 : 50 }));
    expect(h.firing()).toEqual([]);
  });
});
