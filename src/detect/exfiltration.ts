import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { principalLabel } from './principals.js';
import { FiringSet } from './signal.js';
import { Ewma, LruMap } from './structures.js';

export const name = 'exfiltration';
export const observes = ['request'] as const;

interface Principal {
  windowStart: number;
  bytes: number;
  requests: number;
  baseline: Ewma;
}

/**
 * Exfiltration: bytes sent to one user (or, without a user, one IP) in a 10-min window far above that principal's
 * own normal (default 20×), or, for a principal without history yet, far above what principals of the service
 * usually receive. A floor of 10 MB keeps small absolute numbers quiet.
 */
export function createDetector(ctx: DetectContext): Detector {
  const principals = new LruMap<string, Principal>(100_000);
  const population = new Map<string, Ewma>();
  const firing = new FiringSet(name, 'abuse', 5 * 60_000);

  function request(o: RequestObservation): Signal[] | undefined {
    if (!o.bytesOut) return undefined;
    const cfg = ctx.config(o.service).exfiltration;
    const key = o.user ? `user:${o.user}` : `ip:${o.ip}`;
    const p = principals.upsert(key, () => ({ windowStart: o.ts, bytes: 0, requests: 0, baseline: new Ewma(0.2) }));
    let pop = population.get(o.service);
    if (!pop) population.set(o.service, (pop = new Ewma(0.01)));
    if (o.ts - p.windowStart >= cfg.window) {
      // A window that ended teaches the principal's normal, unless it was the anomaly.
      if (!firing.isFiring(key)) {
        p.baseline.update(p.bytes);
        pop.update(p.bytes);
      }
      p.windowStart = o.ts - ((o.ts - p.windowStart) % cfg.window);
      p.bytes = 0;
      p.requests = 0;
    }
    p.bytes += o.bytesOut;
    p.requests++;
    if (p.bytes < cfg.minBytes) return undefined;
    const normal = p.baseline.samples >= 3 ? Math.max(p.baseline.value, pop.value) : pop.value;
    if (pop.samples < 20 || p.bytes < cfg.factor * normal) return undefined;
    const sig = firing.fire(o.ts, o.service, key, 'attack.exfiltration', 'warning', `${o.service}: ${principalLabel(key)} received ${mb(p.bytes)} in ${Math.round((o.ts - p.windowStart) / 60_000)} min, ${Math.round(p.bytes / Math.max(1, normal))}× normal`, () => ({
      users: o.user ? [{ key: o.user, count: p.requests }] : [],
      ips: [{ key: o.ip, count: p.requests }],
      metrics: { bytes: p.bytes, normalBytes: Math.round(normal), factor: Math.round(p.bytes / Math.max(1, normal)), requests: p.requests },
    }));
    return sig ? [sig] : undefined;
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    tick(now) {
      const out: Signal[] = [];
      for (const key of [...firing.keys()]) {
        const p = principals.peek(key);
        const cfg = ctx.config(firing.serviceOf(key) ?? '').exfiltration;
        if (!p || now - p.windowStart >= cfg.window) {
          const r = firing.resolve(now, key, 'attack.exfiltration', `${principalLabel(key)}: transfer back to normal`);
          if (r) out.push(r);
        }
      }
      return out;
    },
    snapshot: () => Object.fromEntries([...population.entries()].map(([svc, e]) => [svc, e.toJSON()])),
    restore(state) {
      for (const [svc, v] of Object.entries((state ?? {}) as Record<string, { value: number; samples: number }>)) {
        const e = new Ewma(0.01);
        e.restore(v);
        population.set(svc, e);
      }
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
