import type { IncidentClass, Severity } from '../correlate/classes.js';
import { incidentTitle } from '../correlate/correlator.js';
import type { Incident } from '../correlate/incident.js';
import type { Evidence } from '../correlate/signal.js';

/** What a notification says: a page, an update on something paged, or a list. */
export type NotificationKind = 'page' | 'repeat' | 'escalated' | 'reclassified' | 'acknowledged' | 'reopened' | 'resolved' | 'flapping' | 'storm' | 'digest' | 'test';

/** The incident facts a notification carries (never secrets: evidence is IPs, users, counts, check results). */
export interface IncidentFacts {
  id: number;
  class: IncidentClass;
  title: string;
  severity: Severity;
  service: string;
  state: 'open' | 'resolved';
  summary: string;
  openedAt: number;
  resolvedAt?: number;
  acknowledgedBy?: string;
  evidence: Evidence;
  /** Link to the incident on the dashboard. */
  url: string;
}

/** The outbox payload: everything a channel needs to render and send, fixed when the row is written. */
export interface Notification {
  kind: NotificationKind;
  /** Idempotency key of the delivery: (incident, step, channel). */
  key: string;
  createdAt: number;
  /** One line about what happened (`escalated to critical`, `acknowledged by ana`). */
  note?: string;
  /** Escalation level that paged, when a level did. */
  level?: number;
  incident?: IncidentFacts;
  /** A storm page or a digest: several incidents in one message. */
  incidents?: IncidentFacts[];
  /** Rows with the same group key due together are sent as one message (a storm). */
  group?: string;
}

export function factsOf(i: Incident, baseUrl: string): IncidentFacts {
  const facts: IncidentFacts = {
    id: i.id,
    class: i.class,
    title: incidentTitle(i.class),
    severity: i.severity,
    service: i.service,
    state: i.state,
    summary: i.summary,
    openedAt: i.openedAt,
    evidence: i.evidence,
    url: `${baseUrl.replace(/\/$/, '')}/incidents/${i.id}`,
  };
  if (i.resolvedAt !== undefined) facts.resolvedAt = i.resolvedAt;
  if (i.acknowledgedBy !== undefined) facts.acknowledgedBy = i.acknowledgedBy;
  return facts;
}

/** `[picket CRITICAL] auth: possible credential stuffing`, with the kind of update when it is one. */
export function headline(n: Notification): string {
  if (n.kind === 'test') return '[picket] test notification';
  if (n.kind === 'digest') return `[picket] daily digest: ${n.incidents?.length ?? 0} info-level incidents`;
  if (n.kind === 'storm') {
    const list = n.incidents ?? [];
    const worst = list.some((i) => i.severity === 'critical') ? 'CRITICAL' : 'WARNING';
    return `[picket ${worst}] ${list.length} incidents at once: ${[...new Set(list.map((i) => i.service))].join(', ')}`;
  }
  const i = n.incident!;
  const status = n.kind === 'resolved' ? 'RESOLVED' : i.severity.toUpperCase();
  const suffix: Partial<Record<NotificationKind, string>> = {
    // Levels count from 1 for people; the first page needs no label.
    page: n.level ? ` (escalation level ${n.level + 1})` : '',
    repeat: ' (still open)',
    escalated: ` (${n.note ?? 'escalated'})`,
    reclassified: ` (${n.note ?? 'reclassified'})`,
    acknowledged: ` (${n.note ?? 'acknowledged'})`,
    reopened: ' (reopened)',
    flapping: ' (flapping)',
  };
  return `[picket ${status}] ${i.service}: ${i.title}${suffix[n.kind] ?? ''}`;
}

export interface EvidenceLine {
  label: string;
  text: string;
}

/** The evidence that matters, as labelled lines: top IPs and users, ASNs, status counts, checks, monitors. */
export function evidenceLines(e: Evidence, top = 10): EvidenceLine[] {
  const lines: EvidenceLine[] = [];
  const counted = <T>(list: { key: T; count: number }[] | undefined) => (list ?? []).slice(0, top).map((c) => `${String(c.key)} (${c.count})`).join(', ');
  if (e.ips?.length) lines.push({ label: 'Top IPs', text: counted(e.ips) });
  if (e.users?.length) lines.push({ label: 'Users', text: counted(e.users) });
  if (e.asns?.length) lines.push({ label: 'ASNs', text: counted(e.asns.map((a) => ({ key: `AS${a.key}`, count: a.count }))) });
  if (e.countries?.length) lines.push({ label: 'Countries', text: counted(e.countries) });
  if (e.statuses && Object.keys(e.statuses).length > 0) {
    lines.push({ label: 'Statuses', text: Object.entries(e.statuses).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ') });
  }
  for (const c of (e.checks ?? []).filter((c) => c.state !== 'up').slice(0, top)) {
    lines.push({ label: `Check ${c.id}`, text: `${c.state}${c.error ? ` (${c.error})` : ''}${c.message ? `: ${c.message}` : ''}` });
  }
  for (const m of (e.monitors ?? []).slice(0, top)) lines.push({ label: `Monitor ${m.source}`, text: `${m.monitorKey} ${m.state}${m.reason ? `: ${m.reason}` : ''}` });
  for (const f of (e.findings ?? []).slice(0, top)) lines.push({ label: `Finding (${f.severity})`, text: f.message });
  return lines;
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
