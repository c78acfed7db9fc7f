import type { IncidentClass, Severity } from './classes.js';
import type { Finding } from './observation.js';

export interface Counted<T> {
  key: T;
  count: number;
}

/** What a detector saw, kept with the incident: who, how much, which checks. Lists are short (top N). */
export interface Evidence {
  ips?: Counted<string>[];
  users?: Counted<string>[];
  asns?: Counted<number>[];
  countries?: Counted<string>[];
  /** Status code → count. */
  statuses?: Record<string, number>;
  checks?: { id: string; state: string; error?: string; message?: string }[];
  monitors?: { source: string; monitorKey: string; state: string; reason?: string }[];
  findings?: Finding[];
  /** Detector-specific figures (ratio, burn rate, distinct users, bytes). */
  metrics?: Record<string, number>;
}

/**
 * Independent kinds of evidence; two of them agreeing on one incident raises its severity. Also how a signal
 * reads: availability (probes, monitors), errors (telemetry ratios), auth (login patterns), abuse (volume,
 * resources, bytes), takeover, location, misconfig.
 */
export type DetectorFamily = 'availability' | 'performance' | 'errors' | 'auth' | 'abuse' | 'takeover' | 'location' | 'misconfig';

/** What detectors hand the correlator: a condition about one service that started, continues or ended. */
export interface Signal {
  ts: number;
  service: string;
  detector: string;
  family: DetectorFamily;
  /** The class this signal suggests; the correlator has the last word. */
  class: IncidentClass;
  severity: Severity;
  state: 'firing' | 'resolved';
  /** Stable identity of the condition within the detector and service (`ip:203.0.113.9`, `check:auth-login`). */
  key: string;
  summary: string;
  evidence: Evidence;
}
