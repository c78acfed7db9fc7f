import type { IncidentClass, Severity } from './classes.js';

/**
 * The vocabulary the sources (probes, webhooks, telemetry) share with detectors and the correlator. Sources
 * produce observations; they know nothing of each other.
 */

/** Why a probe failed, coarse enough to count and chart. */
export type ErrorClass = 'dns' | 'refused' | 'timeout' | 'tls' | 'reset' | 'status' | 'assertion';

export type CheckStateName = 'unknown' | 'up' | 'down';

/** A security finding: a misconfiguration a probe saw, raised until a run of the same scope clears it. */
export interface Finding {
  /** Stable within a check, e.g. `auth_bypass:alg-none`; raising and clearing match on it. */
  key: string;
  class: IncidentClass;
  severity: Exclude<Severity, 'info'>;
  message: string;
}

/** One completed probe run of a check, after confirm retries, with the check's state after it. */
export interface ProbeObservation {
  type: 'probe';
  ts: number;
  checkId: string;
  service: string;
  kind: string;
  /** The named extra schedule (such as `wrong-password`), absent for the check's main runs. */
  schedule?: string;
  ok: boolean;
  status?: number;
  error?: ErrorClass;
  latencyMs: number;
  message: string;
  state: CheckStateName;
  stateChange?: { from: CheckStateName; to: CheckStateName };
  findingsRaised: Finding[];
  findingsCleared: Finding[];
}

export type Observation = ProbeObservation;

/** Where sources hand observations over; the correlator (or replay) is on the other side. */
export type ObservationSink = (o: Observation) => void;
