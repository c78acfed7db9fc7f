import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { principalLabel } from './principals.js';
import { FiringSet } from './signal.js';
import { BusyKeys, Ewma, Hll } from './structures.js';

export const name = 'exfiltration';
export const observes = ['request'] as const;

interface Principal {
  windowStart: number;
  bytes: number;
  requests: number;
  baseline: Ewma;
}

interface Population {
  windowStart: number;
  bytes: number;
  principals: Hll;
  /** Bytes a principal of the service receives in a window, on average. */
  perPrincipal: Ewma;
}

/**
 * Exfiltration: bytes sent to one user (or, without a user, one IP) in a 10-min window far above that principal's
 * own normal (default 20×), or, for a principal without history, far above what a principal of the service
 * receives on average. A floor of 10 MB keeps small absolute numbers quiet. Only principals that move a
 * noticeable share of that floor get state of their own; the rest are counted in a sketch.
 */
export function createDetector(ctx: DetectContext): Detector {
  const byUser = new BusyKeys<string, Principal>(5 * 60_000, 50_000);
  const byIp = new BusyKeys<string, Principal>(5 * 60_000, 50_000);
  const population = new Map<string, Population>();
  const firing = new FiringSet(name, 'abuse', 5 * 60_000);

  function populationOf(service: string, ts: number, window: number): Population {
    let pop = population.get(service);
    if (!pop) population.set(service, (pop = { windowStart: ts, bytes: 0, principals: new Hll(), perPrincipal: new Ewma(0.05) }));
    if (ts - pop.windowStart >= window) {
      const n = pop.principals.count();
      if (n > 0) pop.perPrincipal.update(pop.bytes / n);
      pop.windowStart = ts - ((ts - pop.windowStart) % window);
      pop.bytes = 0;
      pop.principals = new Hll();
    }
    return pop;
  }

  function request(o: RequestObservation): Signal[] | undefined {
    if (!o.bytesOut) return undefined;
    const cfg = ctx.config(o.service).exfiltration;
    const pop = populationOf(o.service, o.ts, cfg.window);
    const principal = o.user ?? o.ip;
    pop.bytes += o.bytesOut;
    pop.principals.add(principal);
    const kind = o.user ? 'user' : 'ip';
    const map = o.user ? byUser : byIp;
    let p = map.get(principal);
    if (!p) {
      const recent = map.count(principal, o.ts, o.bytesOut);
      if (recent < cfg.minBytes / 20) return undefined;
      p = { windowStart: o.ts, bytes: recent - o.bytesOut, requests: 0, baseline: new Ewma(0.2) };
      map.set(principal, p);
    }
    const key = `${kind}:${principal}`;
    if (o.ts - p.windowStart >= cfg.window) {
      // A window that ended teaches the principal's normal, unless it was the anomaly.
      if (!firing.isFiring(key)) p.baseline.update(p.bytes);
      p.windowStart = o.ts - ((o.ts - p.windowStart) % cfg.window);
      p.bytes = 0;
      p.requests = 0;
    }
    p.bytes += o.bytesOut;
    p.requests++;
    if (p.bytes < cfg.minBytes) return undefined;
    const normal = p.baseline.samples >= 3 ? Math.max(p.baseline.value, pop.perPrincipal.value) : pop.perPrincipal.value;
    if (pop.perPrincipal.samples < 3 || p.bytes < cfg.factor * normal) return undefined;
    const sig = raise(o, key, p, normal);
    return sig ? [sig] : undefined;
  }

  function raise(o: RequestObservation, key: string, p: Principal, normal: number): Signal | undefined {
    return firing.fire(o.ts, o.service, key, 'attack.exfiltration', 'warning', `${o.service}: ${principalLabel(key)} received ${mb(p.bytes)} in ${Math.round((o.ts - p.windowStart) / 60_000)} min, ${Math.round(p.bytes / Math.max(1, normal))}× normal`, () => ({
      users: o.user ? [{ key: o.user, count: p.requests }] : [],
      ips: [{ key: o.ip, count: p.requests }],
      metrics: { bytes: p.bytes, normalBytes: Math.round(normal), factor: Math.round(p.bytes / Math.max(1, normal)), requests: p.requests },
    }));
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    tick: (now) =>
      firing.resolveEnded(now, 'attack.exfiltration', (key) => {
        const p = key.startsWith('user:') ? byUser.peek(key.slice(5)) : byIp.peek(key.slice(3));
        const cfg = ctx.config(firing.serviceOf(key) ?? '').exfiltration;
        return !p || now - p.windowStart >= cfg.window ? `${principalLabel(key)}: transfer back to normal` : undefined;
      }),
    snapshot: () => Object.fromEntries([...population.entries()].map(([svc, p]) => [svc, p.perPrincipal.toJSON()])),
    restore(state) {
      for (const [svc, v] of Object.entries((state ?? {}) as Record<string, { value: number; samples: number }>)) {
        const p: Population = { windowStart: 0, bytes: 0, principals: new Hll(), perPrincipal: new Ewma(0.05) };
        p.perPrincipal.restore(v);
        population.set(svc, p);
      }
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
