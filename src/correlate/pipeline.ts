import type { Clock } from '../clock.js';
import { resolveDetect, type DetectConfig, type DetectOverrides } from '../detect/config.js';
import type { Crawler } from '../detect/context.js';
import { DetectionEngine } from '../detect/engine.js';
import { keepingLast } from '../keeping-last.js';
import type { Logger } from '../log.js';
import type { Incident, IncidentChange } from './incident.js';
import { Correlator, type IncidentStore } from './correlator.js';
import type { Observation } from './observation.js';

export interface PipelineOptions {
  detect: DetectOverrides;
  services: Record<string, { detect?: DetectOverrides }>;
  crawlers: { name: string; asns: number[]; userAgent?: string }[];
  /** auth-login checks per service. */
  loginChecks: Map<string, Set<string>>;
  store: IncidentStore;
  clock: Clock;
  hooks?: ((change: IncidentChange) => void)[];
  timers?: ((incident: Incident, now: number) => boolean)[];
  logger?: Logger;
}

/** How often detectors and the correlator look at the time (window ends, quiet periods). */
export const TICK_MS = 5_000;

/**
 * Observations in, incidents out: the detection engine and the correlator wired together, with thresholds
 * resolved per service. `picket start`, `picket replay` and the tests all run this.
 */
export class IncidentPipeline {
  readonly engine: DetectionEngine;
  readonly correlator: Correlator;
  private readonly configs = new Map<string, DetectConfig>();

  constructor(private readonly opts: PipelineOptions) {
    const config = keepingLast((service: string) => {
      let c = this.configs.get(service);
      if (!c) {
        c = resolveDetect(opts.detect, opts.services[service]?.detect);
        this.configs.set(service, c);
      }
      return c;
    });
    this.correlator = new Correlator({ store: opts.store, clock: opts.clock, timings: config, hooks: opts.hooks, timers: opts.timers, logger: opts.logger });
    const crawlers: Crawler[] = opts.crawlers.map((c) => ({ name: c.name, asns: c.asns, userAgent: c.userAgent ? new RegExp(c.userAgent, 'i') : undefined }));
    this.engine = new DetectionEngine({
      clock: opts.clock,
      config,
      crawlers,
      loginChecks: opts.loginChecks,
      onSignal: (s) => this.correlator.handle(s),
      note: (message, detail) => opts.logger?.info(detail, message),
    });
    this.correlator.load();
  }

  observe(o: Observation): void {
    this.engine.observe(o);
  }

  tick(now: number): void {
    this.engine.tick(now);
    this.correlator.tick(now);
  }
}

/** The auth-login checks of each service; error spikes are read against them (a failing probe login is an outage). */
export function loginChecksOf(checks: { kind: string; service: string; id: string }[], into = new Map<string, Set<string>>()): Map<string, Set<string>> {
  for (const c of checks) {
    if (c.kind !== 'auth-login') continue;
    let set = into.get(c.service);
    if (!set) into.set(c.service, (set = new Set()));
    set.add(c.id);
  }
  return into;
}
