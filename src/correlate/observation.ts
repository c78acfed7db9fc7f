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

export type ExternalState = 'down' | 'up' | 'degraded' | 'unknown';

/** What every webhook format maps to: one state change (or report) of one external monitor. */
export interface ExternalEvent {
  source: string;
  /** The sender's id for this event, when it has one; duplicates of it are not processed twice. */
  eventId?: string;
  /** The monitor's id, or its URL when it has no id. */
  monitorKey: string;
  name?: string;
  url?: string;
  state: ExternalState;
  statusCode?: number;
  responseTimeMs?: number;
  reason?: string;
  location?: string;
  occurredAt: number;
  /** A service named by the sender itself (an Alertmanager `service` label), tried before monitor matching. */
  serviceHint?: string;
}

/** An external monitor's report, assigned to a service. */
export interface ExternalObservation {
  type: 'external';
  ts: number;
  service: string;
  /** True when no configured monitor matched and the service was derived from the URL host. */
  serviceDerived: boolean;
  event: ExternalEvent;
}

export type AuthOutcome = 'success' | 'failure' | 'none';

/** One request to the protected API, as telemetry reports it. */
export interface RequestFields {
  ts: number;
  method?: string;
  route: string;
  /** The id of the resource when the sender gave the raw path (`/v1/orders/1234` → `1234`), for scraping detection. */
  resource?: string;
  status: number;
  latencyMs?: number;
  ip: string;
  user?: string;
  auth: AuthOutcome;
  bytesOut?: number;
  ua?: string;
  country?: string;
  asn?: number;
}

export interface RequestObservation extends RequestFields {
  type: 'request';
  service: string;
}

export type Observation = ProbeObservation | ExternalObservation | RequestObservation;

/** Where sources hand observations over; the correlator (or replay) is on the other side. */
export type ObservationSink = (o: Observation) => void;
