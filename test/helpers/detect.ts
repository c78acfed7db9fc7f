import { VirtualClock } from '../../src/clock.js';
import type { ExternalEvent, Observation, ProbeObservation, RequestObservation } from '../../src/correlate/observation.js';
import type { Signal } from '../../src/correlate/signal.js';
import { resolveDetect, type DetectOverrides } from '../../src/detect/config.js';
import type { DetectorModule } from '../../src/detect/context.js';
import { DetectionEngine } from '../../src/detect/engine.js';

export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
export const MIN = 60_000;

/** One detector on a virtual clock, with the engine's traffic history, collecting the signals it raises. */
export function detectorHarness(module: DetectorModule, overrides: DetectOverrides = {}, opts: { crawlers?: { name: string; asns: number[]; userAgent?: RegExp }[]; loginChecks?: Map<string, Set<string>> } = {}) {
  const clock = new VirtualClock(T0);
  const signals: Signal[] = [];
  const notes: string[] = [];
  const engine = new DetectionEngine({
    clock,
    config: () => resolveDetect(overrides),
    modules: [module],
    crawlers: opts.crawlers,
    loginChecks: opts.loginChecks,
    onSignal: (s) => signals.push(s),
    note: (m) => notes.push(m),
  });
  let lastTick = T0;
  return {
    clock,
    signals,
    notes,
    engine,
    feed(o: Observation) {
      clock.set(o.ts);
      while (o.ts - lastTick >= 5_000) {
        lastTick += 5_000;
        engine.tick(lastTick);
      }
      engine.observe(o);
    },
    /** Moves time on (ticking every 5 s) with no traffic. */
    idle(ms: number) {
      const end = clock.now() + ms;
      while (lastTick + 5_000 <= end) {
        lastTick += 5_000;
        clock.set(lastTick);
        engine.tick(lastTick);
      }
    },
    firing: () => signals.filter((s) => s.state === 'firing'),
  };
}

let seq = 0;

export function req(over: Partial<RequestObservation> & { ts: number }): RequestObservation {
  return { type: 'request', service: 'auth', method: 'GET', route: '/v1/profile', status: 200, ip: '198.51.100.7', auth: 'none', latencyMs: 40, ...over };
}

export function login(ts: number, ip: string, user: string, ok: boolean, over: Partial<RequestObservation> = {}): RequestObservation {
  return req({ ts, method: 'POST', route: '/auth/login', status: ok ? 200 : 401, ip, user, auth: ok ? 'success' : 'failure', ...over });
}

export function probe(ts: number, over: Partial<ProbeObservation> = {}): ProbeObservation {
  return { type: 'probe', ts, checkId: 'auth-login', service: 'auth', kind: 'auth-login', ok: true, latencyMs: 50, message: 'ok', state: 'up', findingsRaised: [], findingsCleared: [], ...over };
}

export function external(ts: number, service: string, event: Partial<ExternalEvent>): Observation {
  return { type: 'external', ts, service, serviceDerived: false, event: { source: 'lagnis', monitorKey: `m-${++seq}`, state: 'down', occurredAt: ts, ...event } };
}

/** Ordinary clients making ordinary requests for a while, so their addresses become known. */
export function warmUp(h: { feed(o: Observation): void }, from: number, minutes: number, ips: string[], service = 'auth'): number {
  let t = from;
  for (let m = 0; m < minutes; m++) {
    for (const [i, ip] of ips.entries()) h.feed(req({ ts: t + i * 100, ip, service, user: `member${i}@example.com` }));
    t += MIN;
  }
  return t;
}
