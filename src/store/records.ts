import type { CheckStateName, ErrorClass, Finding } from '../correlate/observation.js';

/** Shapes the store persists, shared by the subsystems that produce and read them. */

export interface PhaseTimings {
  dnsMs?: number;
  tcpMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
  totalMs: number;
}

/**
 * One probe run. `ok` is about availability and the check's expectations; security findings are separate, so a
 * guard that answers 200 without credentials is up (it answers) and carries a critical finding.
 */
export interface ProbeResult {
  ok: boolean;
  status?: number;
  error?: ErrorClass;
  /** Which expectation failed, in words (never a response body, token or credential). */
  assertion?: string;
  /** One line for people: what happened. */
  message: string;
  timings: PhaseTimings;
  certExpiresAt?: number;
  findings: Finding[];
}

export interface RaisedFinding extends Finding {
  /** The schedule whose runs raise and clear it (`main`, or an extra schedule's name). */
  scope: string;
  since: number;
}

/** What the scheduler keeps per check, persisted so a restart resumes it. */
export interface CheckState {
  state: CheckStateName;
  since: number | null;
  failures: number;
  successes: number;
  findings: RaisedFinding[];
}
