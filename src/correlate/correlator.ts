import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { IncidentRepository } from '../store/incident-repository.js';
import { maxSeverity, severityRank, SEVERITIES, type IncidentClass, type Severity } from './classes.js';
import { mergeEvidence } from './evidence.js';
import { activeSignalKey, type ActiveSignal, type Incident, type IncidentChange, type IncidentDetail } from './incident.js';
import type { Signal } from './signal.js';

export interface CorrelatorTimings {
  /** Signals this close to an incident's last one join it (and reopen it if it just resolved). */
  mergeWindow: number;
  /** An attack incident with no new signal for this long resolves. */
  quietPeriod: number;
  /** An incident open this long goes up one severity step. */
  persistFor: number;
}

export type IncidentStore = Pick<IncidentRepository, 'transaction' | 'insert' | 'update' | 'putSignal' | 'dropSignal' | 'addEvent' | 'loadOpen' | 'lastResolved' | 'get'>;


export interface CorrelatorOptions {
  store: IncidentStore;
  clock: Clock;
  timings(service: string): CorrelatorTimings;
  /** Called inside the transaction that stores each change; escalation adds its outbox rows here. */
  hooks?: ((change: IncidentChange) => void)[];
  /**
   * Run on every tick for each open (or just-resolved) incident, inside a transaction; a timer that changed the
   * incident returns true and the change is stored (escalation's due levels).
   */
  timers?: ((incident: Incident, now: number) => boolean)[];
  logger?: Logger;
}

/** Attack classes from the most specific to the least: an incident takes the most specific its signals name. */
const ATTACK_PRECEDENCE: IncidentClass[] = [
  'attack.credential_stuffing',
  'attack.brute_force',
  'attack.password_spray',
  'attack.exfiltration',
  'attack.scraping',
  'attack.dos',
  'attack.suspected',
];

const TITLES: Record<IncidentClass, string> = {
  outage: 'outage',
  degradation: 'degradation',
  'attack.credential_stuffing': 'possible credential stuffing',
  'attack.password_spray': 'possible password spraying',
  'attack.brute_force': 'possible brute force',
  'attack.scraping': 'possible scraping',
  'attack.exfiltration': 'possible data exfiltration',
  'attack.dos': 'possible denial of service',
  'attack.suspected': 'possible attack',
  'misconfig.auth_bypass': 'authentication bypass',
  'misconfig.tls': 'TLS problem',
  'misconfig.headers': 'security headers',
  'misconfig.cors': 'CORS misconfiguration',
};

const MAX_TIMELINE_SIGNALS = 200;

/** Which open incident a class joins: availability, attack, or one per misconfiguration class. */
export function classGroup(c: IncidentClass): string {
  if (c === 'outage' || c === 'degradation') return 'availability';
  if (c.startsWith('attack.')) return 'attack';
  return c;
}

export function incidentTitle(c: IncidentClass): string {
  return TITLES[c];
}

function pickClass(group: string, classes: IncidentClass[]): IncidentClass {
  if (group === 'attack' || group.startsWith('location:')) return ATTACK_PRECEDENCE.find((c) => classes.includes(c)) ?? 'attack.suspected';
  if (group === 'availability') return classes.includes('outage') ? 'outage' : 'degradation';
  return classes[0]!;
}

function bump(s: Severity, steps: number): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(s) + steps)]!;
}

/** What an incident keeps of a firing signal. */
const activeOf = (s: Signal): ActiveSignal => ({ detector: s.detector, key: s.key, family: s.family, class: s.class, severity: s.severity, summary: s.summary, ts: s.ts });

/**
 * Turns signals into incidents: one open incident per (service, class group), merging signals within the merge
 * window. An outage and an attack on the same service are separate incidents, so an open outage never hides an
 * attack. Severity starts from the strongest signal and goes up a step when two independent detector families
 * agree, when an account takeover joins, and when the incident persists. Availability and misconfiguration
 * incidents resolve when their signals do; attack incidents after a quiet period. Every change is stored, with
 * the hooks (escalation) run inside the same transaction.
 */
export class Correlator {
  private readonly open = new Map<string, Incident>();
  /** Incidents resolved within the last hour: timers still look at them (flapping ends, for one). */
  private readonly recentlyResolved = new Map<number, Incident>();

  constructor(private readonly opts: CorrelatorOptions) {}

  /** Picks up the open incidents from the store (after a restart). */
  load(): void {
    for (const i of this.opts.store.loadOpen()) this.open.set(i.key, i);
  }

  openIncidents(): Incident[] {
    return [...this.open.values()];
  }

  handle(s: Signal): void {
    let group = classGroup(s.class);
    // An unusual location joins an attack already open on the service; on its own it is a small incident of its
    // own (per user), so it can neither keep an attack incident alive nor swallow the next real one.
    if (s.family === 'location' && !this.open.has(`${s.service}|attack`)) group = `location:${s.key}`;
    const key = `${s.service}|${group}`;
    const signalKey = activeSignalKey(s);
    let incident = this.open.get(key);
    if (s.state === 'resolved') {
      if (!incident || !incident.detail.active[signalKey]) return;
      this.change(incident, s.ts, () => {
        delete incident!.detail.active[signalKey];
        this.opts.store.dropSignal(incident!.id, s);
        this.opts.store.addEvent(incident!.id, s.ts, 'signal-resolved', s.summary, { detector: s.detector, key: s.key });
        if (!incident!.class.startsWith('attack.') && Object.keys(incident!.detail.active).length === 0) this.resolveIn(incident!, s.ts, 'every signal resolved');
      });
      return;
    }
    if (!incident) {
      const recent = [...this.recentlyResolved.values()].filter((i) => i.key === key).sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0))[0] ?? this.opts.store.lastResolved(key);
      if (recent?.resolvedAt !== undefined && s.ts - recent.resolvedAt <= this.opts.timings(s.service).mergeWindow) {
        incident = recent;
        this.reopen(incident, s);
      } else {
        this.openNew(key, group, s);
        return;
      }
    }
    this.join(incident, group, s, signalKey);
  }

  /** Quiet periods, persistence, and the timers (escalation). */
  tick(now: number): void {
    for (const incident of [...this.open.values(), ...this.recentlyResolved.values()]) {
      if (incident.state === 'resolved' && now - (incident.resolvedAt ?? now) > 3_600_000) {
        this.recentlyResolved.delete(incident.id);
        continue;
      }
      for (const timer of this.opts.timers ?? []) {
        this.opts.store.transaction(() => {
          if (timer(incident, now)) this.opts.store.update(incident);
        });
      }
    }
    for (const incident of [...this.open.values()]) {
      const t = this.opts.timings(incident.service);
      if (incident.class.startsWith('attack.') && now - incident.lastSignalAt >= t.quietPeriod) {
        this.change(incident, now, () => this.resolveIn(incident, now, `no new signal for ${Math.round(t.quietPeriod / 60_000)} min`));
        continue;
      }
      if (!incident.detail.persisted && incident.severity !== 'info' && now - incident.openedAt >= t.persistFor) {
        this.change(incident, now, () => {
          incident.detail.persisted = true;
          this.recompute(incident, now, `open for ${Math.round(t.persistFor / 60_000)} min`);
        });
      }
    }
  }

  acknowledge(id: number, by: string, now: number): Incident | undefined {
    const incident = [...this.open.values()].find((i) => i.id === id);
    if (!incident || incident.acknowledgedAt !== undefined) return incident;
    this.change(incident, now, () => {
      incident.acknowledgedAt = now;
      incident.acknowledgedBy = by;
      this.opts.store.addEvent(incident.id, now, 'acknowledged', `acknowledged by ${by}`);
      this.emit({ kind: 'acknowledged', incident, at: now, by });
    });
    return incident;
  }

  resolveManually(id: number, by: string, now: number): Incident | undefined {
    const incident = [...this.open.values()].find((i) => i.id === id);
    if (!incident) return undefined;
    this.change(incident, now, () => this.resolveIn(incident, now, `resolved by ${by}`, by));
    return incident;
  }

  private openNew(key: string, group: string, s: Signal): void {
    const detail: IncidentDetail = {
      active: { [activeSignalKey(s)]: activeOf(s) },
      families: [s.family],
      classes: [s.class],
      signalSeverity: s.severity,
      takeover: s.family === 'takeover',
      persisted: false,
      timelineSignals: 1,
    };
    const cls = pickClass(group, detail.classes);
    const draft: Omit<Incident, 'id'> = {
      key,
      service: s.service,
      class: cls,
      severity: s.severity,
      state: 'open',
      summary: `${TITLES[cls]} on ${s.service}: ${s.summary}`,
      evidence: mergeEvidence({}, s.evidence, s.detector),
      detail,
      openedAt: s.ts,
      updatedAt: s.ts,
      lastSignalAt: s.ts,
      escalationLevel: -1,
    };
    this.opts.store.transaction(() => {
      const incident: Incident = { ...draft, id: this.opts.store.insert(draft) };
      incident.severity = this.severityOf(incident);
      this.opts.store.addEvent(incident.id, s.ts, 'opened', incident.summary, { detector: s.detector, key: s.key, severity: incident.severity });
      this.open.set(key, incident);
      this.opts.logger?.warn({ incident: incident.id, service: incident.service, class: incident.class, severity: incident.severity }, incident.summary);
      this.emit({ kind: 'opened', incident, at: s.ts });
      this.opts.store.update(incident);
    });
  }

  private reopen(incident: Incident, s: Signal): void {
    this.change(incident, s.ts, () => {
      incident.state = 'open';
      delete incident.resolvedAt;
      delete incident.resolveReason;
      incident.detail.persisted = false;
      this.recentlyResolved.delete(incident.id);
      this.open.set(incident.key, incident);
      this.opts.store.addEvent(incident.id, s.ts, 'reopened', `reopened: ${s.summary}`);
      this.emit({ kind: 'reopened', incident, at: s.ts });
    });
  }

  private join(incident: Incident, group: string, s: Signal, signalKey: string): void {
    this.change(incident, s.ts, () => {
      const d = incident.detail;
      const isNew = !d.active[signalKey] || d.active[signalKey].severity !== s.severity;
      d.active[signalKey] = activeOf(s);
      this.opts.store.putSignal(incident.id, d.active[signalKey]);
      if (!d.families.includes(s.family)) d.families.push(s.family);
      if (!d.classes.includes(s.class)) d.classes.push(s.class);
      if (s.family === 'takeover') d.takeover = true;
      d.signalSeverity = maxSeverity(d.signalSeverity, s.severity);
      incident.lastSignalAt = Math.max(incident.lastSignalAt, s.ts);
      incident.evidence = mergeEvidence(incident.evidence, s.evidence, s.detector);
      if (isNew && d.timelineSignals < MAX_TIMELINE_SIGNALS) {
        d.timelineSignals++;
        this.opts.store.addEvent(incident.id, s.ts, 'signal', s.summary, { detector: s.detector, key: s.key, severity: s.severity, class: s.class });
      }
      const cls = pickClass(group, d.classes);
      if (cls !== incident.class) {
        const previous = { severity: incident.severity, class: incident.class };
        incident.class = cls;
        this.opts.store.addEvent(incident.id, s.ts, 'reclassified', `now ${TITLES[cls]}`, { from: previous.class, to: cls });
        this.emit({ kind: 'reclassified', incident, previous, at: s.ts });
      }
      if (severityRank(s.severity) >= severityRank(d.active[signalKey]!.severity) && isNew) {
        incident.summary = `${TITLES[incident.class]} on ${incident.service}: ${s.summary}`;
      }
      this.recompute(incident, s.ts, s.summary);
    });
  }

  /** Severity: the strongest signal, a step for two families agreeing, for a takeover, and for persisting. */
  private severityOf(incident: Incident): Severity {
    const d = incident.detail;
    const independent = new Set(d.families.filter((f) => f !== 'takeover'));
    let steps = 0;
    if (independent.size >= 2) steps++;
    if (d.takeover) steps++;
    if (d.persisted) steps++;
    // Info-only evidence (an unusual location on its own) stays listed, not paged.
    if (d.signalSeverity === 'info' && !d.takeover && independent.size < 2) return 'info';
    return bump(d.signalSeverity, steps);
  }

  private recompute(incident: Incident, ts: number, why: string): void {
    const next = this.severityOf(incident);
    if (severityRank(next) <= severityRank(incident.severity)) return;
    const previous = { severity: incident.severity, class: incident.class };
    incident.severity = next;
    this.opts.store.addEvent(incident.id, ts, 'escalated', `severity ${previous.severity} → ${next}: ${why}`, { from: previous.severity, to: next });
    this.opts.logger?.warn({ incident: incident.id, from: previous.severity, to: next }, `incident ${incident.id} now ${next}`);
    this.emit({ kind: 'escalated', incident, previous, at: ts });
  }

  private resolveIn(incident: Incident, ts: number, reason: string, by?: string): void {
    incident.state = 'resolved';
    incident.resolvedAt = ts;
    incident.resolveReason = reason;
    this.open.delete(incident.key);
    this.recentlyResolved.set(incident.id, incident);
    this.opts.store.addEvent(incident.id, ts, 'resolved', reason);
    this.opts.logger?.info({ incident: incident.id, reason }, `incident ${incident.id} resolved`);
    this.emit({ kind: 'resolved', incident, at: ts, by });
  }

  /** One transaction per change: the incident row, its timeline and whatever the hooks write. */
  private change(incident: Incident, ts: number, fn: () => void): void {
    this.opts.store.transaction(() => {
      fn();
      incident.updatedAt = Math.max(incident.updatedAt, ts);
      this.opts.store.update(incident);
    });
  }

  private emit(change: IncidentChange): void {
    for (const hook of this.opts.hooks ?? []) hook(change);
  }
}
