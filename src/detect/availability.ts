import type { Severity } from '../correlate/classes.js';
import type { Observation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';

export const name = 'availability';
export const observes = ['probe', 'external'] as const;

interface ServiceState {
  checks: Map<string, { up: boolean; error?: string; message?: string }>;
  /** External monitors reporting a problem, by `source|monitorKey`. */
  monitors: Map<string, { source: string; monitorKey: string; state: 'down' | 'degraded'; reason?: string }>;
}

/**
 * Outages from probe state changes and external monitors. Confidence follows agreement: a local probe and an
 * external monitor, or two external sources, make it critical; one source alone is a warning; a single external
 * report that the local probes contradict (they are all up) is recorded at info and not paged.
 */
export function createDetector(_ctx: DetectContext): Detector {
  const services = new Map<string, ServiceState>();
  const firing = new FiringSet(name, 'availability', 5 * 60_000);
  const stateOf = (service: string) => {
    let s = services.get(service);
    if (!s) {
      s = { checks: new Map(), monitors: new Map() };
      services.set(service, s);
    }
    return s;
  };

  function evaluate(service: string, ts: number): Signal[] | undefined {
    const s = stateOf(service);
    const downChecks = [...s.checks.entries()].filter(([, c]) => !c.up);
    const monitors = [...s.monitors.values()];
    if (downChecks.length === 0 && monitors.length === 0) {
      const r = firing.resolve(ts, service, 'outage', `${service}: every probe and monitor reports up`);
      return r ? [r] : undefined;
    }
    const externalSources = new Set(monitors.map((m) => m.source)).size;
    const confirmed = (downChecks.length > 0 && monitors.length > 0) || externalSources >= 2;
    const contradicted = downChecks.length === 0 && s.checks.size > 0;
    const severity: Severity = confirmed ? 'critical' : contradicted ? 'info' : 'warning';
    const outage = downChecks.length > 0 || monitors.some((m) => m.state === 'down');
    const qualifier = confirmed ? 'confirmed by two sources' : contradicted ? 'one external report; local probes are up' : 'one source';
    // Written only when the signal goes out: a monitor flapping in a service of fifty would write all fifty each time.
    const summary = () => {
      const parts = [
        ...downChecks.map(([id, c]) => `check ${id} down${c.message ? ` (${c.message})` : ''}`),
        ...monitors.map((m) => `${m.source} reports ${m.monitorKey} ${m.state}${m.reason ? ` (${m.reason})` : ''}`),
      ];
      return `${service}: ${parts.join('; ')} — ${qualifier}`;
    };
    const sig = firing.fire(ts, service, service, outage ? 'outage' : 'degradation', severity, summary, () => ({
      checks: [...s.checks.entries()].map(([id, c]) => ({ id, state: c.up ? 'up' : 'down', error: c.error, message: c.message })),
      monitors: monitors.map((m) => ({ source: m.source, monitorKey: m.monitorKey, state: m.state, reason: m.reason })),
      metrics: { checksDown: downChecks.length, monitorsDown: monitors.length, sources: (downChecks.length > 0 ? 1 : 0) + externalSources },
    }));
    return sig ? [sig] : undefined;
  }

  return {
    observe(o: Observation) {
      if (o.type === 'probe') {
        if (o.schedule) return undefined;
        const s = stateOf(o.service);
        const before = s.checks.get(o.checkId);
        const up = o.state !== 'down';
        s.checks.set(o.checkId, { up, error: o.error, message: up ? undefined : o.message });
        if (before && before.up === up && !o.stateChange) return undefined;
        return evaluate(o.service, o.ts);
      }
      if (o.type === 'external') {
        const e = o.event;
        if (e.state === 'unknown') return undefined;
        const s = stateOf(o.service);
        const key = `${e.source}|${e.monitorKey}`;
        if (e.state === 'up') {
          if (!s.monitors.delete(key)) return undefined;
        } else {
          s.monitors.set(key, { source: e.source, monitorKey: e.monitorKey, state: e.state, reason: e.reason });
        }
        return evaluate(o.service, o.ts);
      }
      return undefined;
    },
    tick: () => undefined,
  };
}
