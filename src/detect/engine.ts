import type { Clock } from '../clock.js';
import type { Observation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectConfig } from './config.js';
import type { Crawler, DetectContext, Detector, DetectorModule } from './context.js';
import { TrafficHistory } from './history.js';
import { detectors as allDetectors } from './index.js';

export interface DetectionEngineOptions {
  clock: Clock;
  config(service: string): DetectConfig;
  crawlers?: Crawler[];
  /** Checks that are auth-login probes, per service. */
  loginChecks?: Map<string, Set<string>>;
  onSignal(signal: Signal): void;
  note?(message: string, detail: Record<string, unknown>): void;
  modules?: readonly DetectorModule[];
}

/**
 * Runs every detector over every observation it asked for, then records the request in the traffic history (so a
 * request is judged against what came before it), and hands signals to the correlator.
 */
export class DetectionEngine {
  readonly history = new TrafficHistory();
  /** auth-login checks that are down, per service. */
  private readonly loginDown = new Map<string, Set<string>>();
  private readonly byType = new Map<Observation['type'], Detector[]>();
  private readonly all: { name: string; detector: Detector }[] = [];

  constructor(private readonly opts: DetectionEngineOptions) {
    const ctx: DetectContext = {
      config: opts.config,
      history: this.history,
      crawlers: opts.crawlers ?? [],
      clock: opts.clock,
      loginProbeDown: (service) => (this.loginDown.get(service)?.size ?? 0) > 0,
      note: opts.note ?? (() => undefined),
    };
    for (const m of opts.modules ?? allDetectors) {
      const detector = m.createDetector(ctx);
      this.all.push({ name: m.name, detector });
      for (const t of m.observes) {
        let list = this.byType.get(t);
        if (!list) this.byType.set(t, (list = []));
        list.push(detector);
      }
    }
  }

  observe(o: Observation): void {
    if (o.type === 'probe' && !o.schedule && this.opts.loginChecks?.get(o.service)?.has(o.checkId)) {
      let down = this.loginDown.get(o.service);
      if (!down) this.loginDown.set(o.service, (down = new Set()));
      if (o.state === 'down') down.add(o.checkId);
      else down.delete(o.checkId);
    }
    const list = this.byType.get(o.type);
    if (list) {
      for (const d of list) {
        const signals = d.observe(o);
        if (signals) for (const s of signals) this.opts.onSignal(s);
      }
    }
    if (o.type === 'request') this.history.record(o);
  }

  tick(now: number): void {
    for (const { detector } of this.all) {
      const signals = detector.tick(now);
      if (signals) for (const s of signals) this.opts.onSignal(s);
    }
  }

  /** Learned baselines of every detector that has any, by detector name, and the traffic history. */
  snapshot(): Record<string, unknown> {
    const out: Record<string, unknown> = { history: this.history.snapshot() };
    for (const { name, detector } of this.all) if (detector.snapshot) out[name] = detector.snapshot();
    return out;
  }

  restore(state: Record<string, unknown>): void {
    this.history.restore(state.history as Parameters<TrafficHistory['restore']>[0]);
    for (const { name, detector } of this.all) if (detector.restore && state[name] !== undefined) detector.restore(state[name]);
  }
}
