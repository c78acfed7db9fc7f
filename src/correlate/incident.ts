import type { IncidentClass, Severity } from './classes.js';
import type { DetectorFamily, Evidence } from './signal.js';

/** A signal the incident is still hearing from, by `detector|key` (`activeSignalKey`). */
export interface ActiveSignal {
  detector: string;
  key: string;
  family: DetectorFamily;
  class: IncidentClass;
  severity: Severity;
  summary: string;
  ts: number;
}

/** An active signal's key in `IncidentDetail.active`: one detector's condition on one principal. */
export const activeSignalKey = (s: { detector: string; key: string }): string => `${s.detector}|${s.key}`;

/** The correlator's working state of an incident, stored with it so a restart picks it up. */
export interface IncidentDetail {
  active: Record<string, ActiveSignal>;
  families: DetectorFamily[];
  classes: IncidentClass[];
  /** The highest severity any signal asked for; the incident's severity adds the correlator's steps to it. */
  signalSeverity: Severity;
  takeover: boolean;
  persisted: boolean;
  /** Timeline entries written for signals (capped). */
  timelineSignals: number;
  /** Escalation's working state (storm membership, flapping, repeats). */
  paging?: PagingState;
}

export interface PagingState {
  /** The storm this incident is part of: its pages go out as one grouped page. */
  storm?: string;
  /** When it resolved and reopened lately, for flapping. */
  changes: number[];
  flapping: boolean;
  repeats: number;
  /** Resolve notices sent (an incident can resolve, reopen and resolve again). */
  resolvedNotices: number;
  /** Why pages are held (a silence or maintenance window), while they are. */
  held?: string;
}

export interface Incident {
  id: number;
  /** Service and class group: at most one open incident per key. */
  key: string;
  service: string;
  class: IncidentClass;
  severity: Severity;
  state: 'open' | 'resolved';
  summary: string;
  evidence: Evidence;
  detail: IncidentDetail;
  openedAt: number;
  updatedAt: number;
  lastSignalAt: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  resolveReason?: string;
  /** Escalation policy in use, last level paged (-1 before the first), and when the next step is due. */
  policy?: string;
  escalationLevel: number;
  nextEscalationAt?: number;
  lastPagedAt?: number;
}

export interface TimelineEntry {
  id: number;
  incidentId: number;
  ts: number;
  kind: string;
  message: string;
  detail?: unknown;
}

/** What changed, handed to hooks (escalation) inside the transaction that stores it. */
export interface IncidentChange {
  kind: 'opened' | 'escalated' | 'reclassified' | 'resolved' | 'reopened' | 'acknowledged';
  incident: Incident;
  previous?: { severity: Severity; class: IncidentClass };
  at: number;
  by?: string;
}
