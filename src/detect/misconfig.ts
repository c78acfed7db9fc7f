import type { Observation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';

export const name = 'misconfig';
export const observes = ['probe'] as const;

/** Passes probe findings (auth bypass, TLS, headers, CORS) through as signals: raised fires, cleared resolves. */
export function createDetector(_ctx: DetectContext): Detector {
  const firing = new FiringSet(name, 'misconfig', Infinity);
  return {
    observe(o: Observation) {
      if (o.type !== 'probe' || (o.findingsRaised.length === 0 && o.findingsCleared.length === 0)) return undefined;
      const out: Signal[] = [];
      for (const f of o.findingsCleared) {
        const s = firing.resolve(o.ts, `${o.checkId}:${f.key}`, f.class, `${o.checkId}: cleared — ${f.message}`);
        if (s) out.push(s);
      }
      for (const f of o.findingsRaised) {
        // A finding raised again with another severity replaces the one before.
        firing.resolve(o.ts, `${o.checkId}:${f.key}`, f.class, '');
        const s = firing.fire(o.ts, o.service, `${o.checkId}:${f.key}`, f.class, f.severity, `${o.checkId}: ${f.message}`, () => ({
          findings: [f],
          checks: [{ id: o.checkId, state: o.state, message: o.message }],
        }));
        if (s) out.push(s);
      }
      return out;
    },
    tick: () => undefined,
  };
}
