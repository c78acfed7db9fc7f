import type { Observation, RequestObservation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';
import { Ewma } from './structures.js';
import { TopK } from './top-k.js';

export const name = 'dos';
export const observes = ['request'] as const;

const MINUTE = 60_000;

interface Minute {
  requests: number;
  latencySum: number;
  latencyCount: number;
  throttled: number;
  errors: number;
}

interface ServiceLoad {
  minute: number;
  current: Minute;
  /** Requests per minute, per hour of the day (the daily cycle), and overall while those learn. */
  byHour: Ewma[];
  overall: Ewma;
  latency: Ewma;
  calm: number;
  topIps: TopK<string>;
}

const empty = (): Minute => ({ requests: 0, latencySum: 0, latencyCount: 0, throttled: 0, errors: 0 });

/**
 * Denial of service: a minute's request volume far above the usual volume for that hour of the day (default 5×)
 * together with signs of strain — latency rising (2×), 429s (≥ 10 %) or 5xx (≥ 5 %). A marketing spike that the
 * service absorbs has the volume but not the strain, and is not paged.
 */
export function createDetector(ctx: DetectContext): Detector {
  const services = new Map<string, ServiceLoad>();
  const firing = new FiringSet(name, 'abuse', 5 * MINUTE);

  function close(service: string, s: ServiceLoad): Signal | undefined {
    const m = s.current;
    const ts = s.minute * MINUTE + MINUTE;
    const cfg = ctx.config(service).dos;
    const hour = new Date(s.minute * MINUTE).getUTCHours();
    const hourly = s.byHour[hour]!;
    const normal = hourly.samples >= 30 ? hourly.value : s.overall.value;
    const latency = m.latencyCount > 0 ? m.latencySum / m.latencyCount : 0;
    const learned = s.overall.samples >= 60;
    const flood = learned && m.requests >= cfg.minRequestsPerMinute && m.requests >= cfg.factor * normal;
    const strained =
      (s.latency.value > 0 && latency >= cfg.latencyFactor * s.latency.value) ||
      m.throttled / Math.max(1, m.requests) >= cfg.tooManyShare ||
      m.errors / Math.max(1, m.requests) >= cfg.errorShare;
    let signal: Signal | undefined;
    const key = `service:${service}`;
    if (flood && strained) {
      s.calm = 0;
      signal = firing.fire(ts, service, key, 'attack.dos', 'critical', `${service}: ${m.requests} requests in a minute, ${(m.requests / Math.max(1, normal)).toFixed(1)}× normal, with ${describeStrain(m, latency, s.latency.value)}`, () => ({
        ips: s.topIps.top(10),
        metrics: { requestsPerMinute: m.requests, normalPerMinute: Math.round(normal), latencyMs: Math.round(latency), normalLatencyMs: Math.round(s.latency.value), throttled: m.throttled, errors: m.errors },
      }));
    } else {
      if (firing.isFiring(key) && m.requests < 2 * normal && ++s.calm >= 3) signal = firing.resolve(ts, key, 'attack.dos', `${service}: volume back to normal`);
      // Only ordinary minutes teach the normal volume and latency.
      if (!firing.isFiring(key) && m.requests > 0) {
        hourly.update(m.requests);
        s.overall.update(m.requests);
        if (latency > 0) s.latency.update(latency);
      }
    }
    s.current = empty();
    s.topIps.clear();
    return signal;
  }

  function request(o: RequestObservation): Signal[] | undefined {
    const minute = Math.floor(o.ts / MINUTE);
    let s = services.get(o.service);
    if (!s) services.set(o.service, (s = { minute, current: empty(), byHour: Array.from({ length: 24 }, () => new Ewma(0.05)), overall: new Ewma(0.02), latency: new Ewma(0.05), calm: 0, topIps: new TopK(64) }));
    let out: Signal[] | undefined;
    if (minute > s.minute) {
      const sig = close(o.service, s);
      if (sig) out = [sig];
      s.minute = minute;
    }
    const m = s.current;
    m.requests++;
    if (o.latencyMs !== undefined) {
      m.latencySum += o.latencyMs;
      m.latencyCount++;
    }
    if (o.status === 429) m.throttled++;
    if (o.status >= 500) m.errors++;
    // Who floods is only worth counting in a minute already past twice the usual volume.
    if (m.requests > 2 * Math.max(s.overall.value, 1)) s.topIps.add(o.ip);
    return out;
  }

  return {
    observe: (o: Observation) => (o.type === 'request' ? request(o) : undefined),
    tick(now) {
      const out: Signal[] = [];
      const minute = Math.floor(now / MINUTE);
      for (const [service, s] of services) {
        // A minute with no traffic at all still ends.
        if (minute > s.minute + 1) {
          const sig = close(service, s);
          if (sig) out.push(sig);
          s.minute = minute;
        }
      }
      return out;
    },
    snapshot: () => Object.fromEntries([...services.entries()].map(([svc, s]) => [svc, { byHour: s.byHour.map((e) => e.toJSON()), overall: s.overall.toJSON(), latency: s.latency.toJSON() }])),
    restore(state) {
      for (const [svc, v] of Object.entries((state ?? {}) as Record<string, { byHour: { value: number; samples: number }[]; overall: { value: number; samples: number }; latency: { value: number; samples: number } }>)) {
        const s: ServiceLoad = { minute: 0, current: empty(), byHour: Array.from({ length: 24 }, () => new Ewma(0.05)), overall: new Ewma(0.02), latency: new Ewma(0.05), calm: 0, topIps: new TopK(64) };
        v.byHour.forEach((b, i) => s.byHour[i]!.restore(b));
        s.overall.restore(v.overall);
        s.latency.restore(v.latency);
        services.set(svc, s);
      }
    },
  };
}

function describeStrain(m: Minute, latency: number, normalLatency: number): string {
  const parts: string[] = [];
  if (normalLatency > 0 && latency >= 2 * normalLatency) parts.push(`latency ${Math.round(latency)} ms (normally ${Math.round(normalLatency)} ms)`);
  if (m.throttled > 0) parts.push(`${m.throttled} answered 429`);
  if (m.errors > 0) parts.push(`${m.errors} answered 5xx`);
  return parts.join(', ') || 'strain';
}
