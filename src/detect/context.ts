import type { Clock } from '../clock.js';
import type { Observation } from '../correlate/observation.js';
import type { Signal } from '../correlate/signal.js';
import type { DetectConfig } from './config.js';
import type { TrafficHistory } from './history.js';

export interface Crawler {
  name: string;
  asns: number[];
  userAgent?: RegExp;
}

/** What every detector is given: thresholds per service, the shared traffic history, the clock. */
export interface DetectContext {
  config(service: string): DetectConfig;
  history: TrafficHistory;
  crawlers: Crawler[];
  clock: Clock;
  /** Whether an auth-login probe of the service is down: failures of the usual clients are then the outage. */
  loginProbeDown(service: string): boolean;
  /** Something worth a log line that is not a signal (an allowlisted crawler that matched). */
  note(message: string, detail: Record<string, unknown>): void;
}

/** One detector: pure over the observations it is shown and the time it is told. */
export interface Detector {
  /**
   * A detector that observes requests sees every one of them, so that path creates no closure over its own
   * variables: V8 allocates a function's captured variables on every call, early returns included, and that was 40 %
   * of the garbage of a replay's detectors' thread. Raising a signal, whose evidence is a closure, goes in a function
   * of its own; a map entry's factory gets what it needs through `upsert`'s arguments.
   */
  observe(o: Observation): Signal[] | undefined;
  tick(now: number): Signal[] | undefined;
  /** Learned baselines, persisted so a restart does not forget them. */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}

export interface DetectorModule {
  name: string;
  /** Which observations it wants, so the engine routes nothing else to it. */
  observes: readonly Observation['type'][];
  createDetector(ctx: DetectContext): Detector;
}
