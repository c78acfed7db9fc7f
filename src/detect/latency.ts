import type { Observation } from '../correlate/observation.js';
import type { DetectContext, Detector } from './context.js';
import { FiringSet } from './signal.js';
import { Ewma, LruMap } from './structures.js';

export const name = 'latency';
export const observes = ['probe'] as const;

interface CheckLatency {
  service: string;
  recent: number[];
  baseline: Ewma;
  over: number;
  under: number;
}

const checkLatency = (): CheckLatency => ({ service: '', recent: [], baseline: new Ewma(0.05), over: 0, under: 0 });

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

/**
 * Probe latency against each check's own learned p95 (an EWMA of the p95 of its last runs). Slow for `sustained`
 * evaluations in a row is a degradation; back under 1.5× the baseline for as long resolves it.
 */
export function createDetector(ctx: DetectContext): Detector {
  const checks = new LruMap<string, CheckLatency>(20_000);
  const firing = new FiringSet(name, 'performance', 5 * 60_000);
  return {
    observe(o: Observation) {
      if (o.type !== 'probe' || o.schedule || !o.ok) return undefined;
      const cfg = ctx.config(o.service).latency;
      const c = checks.upsert(o.checkId, checkLatency);
      c.service = o.service;
      c.recent.push(o.latencyMs);
      if (c.recent.length > cfg.runs) c.recent.shift();
      if (c.recent.length < cfg.runs) return undefined;
      const current = p95(c.recent);
      const learned = c.baseline.samples >= cfg.runs * 2;
      const base = c.baseline.value;
      const slow = learned && current > Math.max(base * cfg.factor, base + cfg.minMs);
      if (!firing.isFiring(o.checkId)) {
        if (!slow) {
          c.baseline.update(current);
          c.over = 0;
          return undefined;
        }
        if (++c.over < cfg.sustained) return undefined;
        const s = firing.fire(o.ts, o.service, o.checkId, 'degradation', 'warning', `${o.checkId}: p95 latency ${Math.round(current)} ms, normally ${Math.round(base)} ms`, () => ({
          checks: [{ id: o.checkId, state: o.state, message: o.message }],
          metrics: { p95Ms: Math.round(current), baselineP95Ms: Math.round(base) },
        }));
        return s ? [s] : undefined;
      }
      if (current <= base * 1.5) {
        if (++c.under < cfg.sustained) return undefined;
        c.under = 0;
        c.over = 0;
        const r = firing.resolve(o.ts, o.checkId, 'degradation', `${o.checkId}: latency back to normal`);
        return r ? [r] : undefined;
      }
      c.under = 0;
      return undefined;
    },
    tick: () => undefined,
    snapshot: () => Object.fromEntries([...checks.entries()].map(([id, c]) => [id, c.baseline.toJSON()])),
    restore(state) {
      for (const [id, b] of Object.entries((state ?? {}) as Record<string, { value: number; samples: number }>)) {
        const c: CheckLatency = { service: '', recent: [], baseline: new Ewma(0.05), over: 0, under: 0 };
        c.baseline.restore(b);
        checks.set(id, c);
      }
    },
  };
}
