import type { NewOutboxRow } from '../store/outbox-repository.js';
import type { Silence } from '../store/silence-repository.js';
import { factsOf, type Notification, type NotificationKind } from '../notify/notification.js';
import { classPatternMatches, type Severity } from './classes.js';
import type { Incident, IncidentChange, PagingState } from './incident.js';
import type { MaintenanceWindows } from './maintenance.js';

export interface EscalationLevel {
  after: number;
  notify: string[];
}

export interface EscalationConfig {
  policies: Record<string, EscalationLevel[]>;
  routes: { match: { severity?: Severity; class?: string; service?: string }; policy: string }[];
  repeat: number;
  resolved: boolean;
  grouping: { window: number; threshold: number };
  flapping: { changes: number; window: number };
  cooldown: number;
}

export interface EscalationDeps {
  config: EscalationConfig;
  /** Every configured channel, for the implicit policy when none is configured. */
  channels: string[];
  outbox: { enqueue(row: NewOutboxRow): boolean; pagedChannels(incidentId: number): string[] };
  silences: { active(now: number): Silence[] };
  maintenance: MaintenanceWindows;
  timeline(incidentId: number, ts: number, kind: string, message: string, detail?: unknown): void;
  /** Base URL of the dashboard, for links in pages. */
  baseUrl: string;
  /** Told when rows were added, so delivery starts at once. */
  onEnqueue?(): void;
}

/** With no policies configured, every channel is paged at once. */
const IMPLICIT_POLICY = '(every channel)';

function freshPaging(): PagingState {
  return { changes: [], flapping: false, repeats: 0, resolvedNotices: 0 };
}

/**
 * Progressive paging, run inside the transaction of each incident change (so the change and its outbox rows
 * commit together) and on a timer whose due time is stored with the incident (so a restart resumes it).
 *
 * A policy is ordered levels `{after, notify}`; routes pick it by severity, class or service, first match first.
 * A level fires once the incident has been open for `after` and is not acknowledged; after the last level,
 * `repeat` re-pages it. A severity rise switches to the new severity's policy without paging a channel twice, and
 * tells the channels already paged. Silences and maintenance windows hold pages until they end. Many availability
 * incidents at once page as one storm; an incident that keeps resolving and reopening pages once as flapping.
 * Info-level incidents are never paged.
 */
export class Escalation {
  private readonly recentOpenings: { id: number; at: number }[] = [];
  private readonly storms = new Map<string, number>();

  constructor(private readonly deps: EscalationDeps) {}

  /** The incident hook: reacts to each change. */
  onChange = (change: IncidentChange): void => {
    const i = change.incident;
    i.detail.paging ??= freshPaging();
    switch (change.kind) {
      case 'opened':
        if (i.severity !== 'info') this.start(i, change.at);
        break;
      case 'escalated':
        if (change.previous?.severity === 'info') this.start(i, change.at);
        else this.severityRose(i, change.at);
        break;
      case 'reclassified':
        this.update(i, change.at, 'reclassified', `reclassified:${i.class}`, `now ${factsOf(i, this.deps.baseUrl).title}`);
        break;
      case 'acknowledged':
        i.nextEscalationAt = undefined;
        this.update(i, change.at, 'acknowledged', 'acknowledged', `acknowledged by ${change.by ?? 'someone'}`);
        break;
      case 'resolved':
        this.resolved(i, change.at);
        break;
      case 'reopened':
        this.reopened(i, change.at);
        break;
    }
  };

  /** The timer: fires due levels and repeats, ends holds and flapping. True when the incident changed. */
  due = (i: Incident, now: number): boolean => {
    const p = (i.detail.paging ??= freshPaging());
    if (p.flapping && (p.changes.at(-1) ?? 0) <= now - this.deps.config.flapping.window) {
      p.flapping = false;
      this.deps.timeline(i.id, now, 'flapping-ended', 'stable again');
      this.update(i, now, 'escalated', `stable:${p.changes.length}`, 'stable again, still open');
      return true;
    }
    if (i.state !== 'open' || i.acknowledgedAt !== undefined || i.nextEscalationAt === undefined) return false;
    // A hold ends early when its silence is expired by hand.
    const releasedEarly = p.held !== undefined && !this.holdFor(i, now);
    if (i.nextEscalationAt > now && !releasedEarly) return false;
    this.fire(i, now);
    return true;
  };

  /** The policy for an incident: the first route that matches, else `default`, else every channel. */
  policyFor(i: Incident): string {
    const { routes, policies } = this.deps.config;
    for (const r of routes) {
      const m = r.match;
      if (m.severity !== undefined && m.severity !== i.severity) continue;
      if (m.service !== undefined && m.service !== i.service) continue;
      if (m.class !== undefined && !classPatternMatches(m.class, i.class)) continue;
      return r.policy;
    }
    return policies.default ? 'default' : IMPLICIT_POLICY;
  }

  private levels(policy: string): EscalationLevel[] {
    return this.deps.config.policies[policy] ?? [{ after: 0, notify: this.deps.channels }];
  }

  /** When the levels count from: the incident's opening, or its storm's end of grouping. */
  private base(i: Incident): number {
    return i.detail.paging?.storm ? (this.storms.get(i.detail.paging.storm) ?? i.openedAt) : i.openedAt;
  }

  private start(i: Incident, now: number): void {
    i.policy = this.policyFor(i);
    i.escalationLevel = -1;
    this.joinStorm(i, now);
    i.nextEscalationAt = this.base(i) + (this.levels(i.policy)[0]?.after ?? 0);
    if (i.nextEscalationAt <= now) this.fire(i, now);
  }

  /**
   * From the `threshold`-th availability incident opened within the grouping window on, incidents are a storm:
   * their pages wait for the window to close and go out as one message per channel.
   */
  private joinStorm(i: Incident, now: number): void {
    if (i.class !== 'outage' && i.class !== 'degradation') return;
    const { window, threshold } = this.deps.config.grouping;
    while (this.recentOpenings.length > 0 && this.recentOpenings[0]!.at < now - window) this.recentOpenings.shift();
    this.recentOpenings.push({ id: i.id, at: now });
    if (this.recentOpenings.length < threshold) return;
    const first = this.recentOpenings[0]!;
    const storm = `storm:${first.id}`;
    if (!this.storms.has(storm)) this.storms.set(storm, first.at + window);
    i.detail.paging!.storm = storm;
    this.deps.timeline(i.id, now, 'grouped', `one of ${this.recentOpenings.length} incidents opened within ${Math.round(window / 1000)} s; paged together`);
  }

  private fire(i: Incident, now: number): void {
    const p = i.detail.paging!;
    const hold = this.holdFor(i, now);
    if (hold) {
      if (p.held !== hold.reason) this.deps.timeline(i.id, now, 'held', `pages held: ${hold.reason}`, { until: hold.until });
      p.held = hold.reason;
      i.nextEscalationAt = hold.until;
      return;
    }
    if (p.held) {
      this.deps.timeline(i.id, now, 'released', `pages released: ${p.held} ended`);
      delete p.held;
    }
    const policy = i.policy ?? this.policyFor(i);
    const levels = this.levels(policy);
    const base = this.base(i);
    let level = i.escalationLevel + 1;
    let paged = false;
    while (level < levels.length && base + levels[level]!.after <= now) {
      this.page(i, now, 'page', `page:${policy}:${level}`, levels[level]!.notify, level);
      paged = true;
      i.escalationLevel = level++;
    }
    if (!paged && level >= levels.length && this.deps.config.repeat > 0 && now - (i.lastPagedAt ?? 0) >= this.deps.config.cooldown) {
      p.repeats++;
      const last = levels[levels.length - 1]!;
      this.page(i, now, 'repeat', `repeat:${p.repeats}`, last.notify, levels.length - 1);
    }
    i.nextEscalationAt = level < levels.length ? base + levels[level]!.after : this.deps.config.repeat > 0 ? (i.lastPagedAt ?? now) + this.deps.config.repeat : undefined;
  }

  private holdFor(i: Incident, now: number): { reason: string; until: number } | undefined {
    const checks = new Set((i.evidence.checks ?? []).map((c) => c.id));
    const silence = this.deps.silences.active(now).find((s) => {
      if (s.service !== undefined && s.service !== i.service) return false;
      if (s.class !== undefined && !classPatternMatches(s.class, i.class)) return false;
      if (s.checkId !== undefined && !checks.has(s.checkId)) return false;
      return true;
    });
    if (silence) return { reason: `silence #${silence.id} (${silence.reason})`, until: silence.endsAt };
    const window = this.deps.maintenance.activeFor(i.service, now);
    return window ? { reason: window.reason, until: window.endsAt } : undefined;
  }

  private severityRose(i: Incident, now: number): void {
    const before = i.policy;
    const after = this.policyFor(i);
    // Tell the channels already paged; they are not paged again by the new policy.
    this.update(i, now, 'escalated', `escalated:${i.severity}`, `severity now ${i.severity}`);
    if (before === after || i.acknowledgedAt !== undefined) return;
    i.policy = after;
    this.deps.timeline(i.id, now, 'policy', `policy ${before ?? '(none)'} → ${after}`);
    const already = new Set(this.deps.outbox.pagedChannels(i.id));
    const levels = this.levels(after);
    const base = this.base(i);
    let level = 0;
    while (level < levels.length && base + levels[level]!.after <= now) {
      const fresh = levels[level]!.notify.filter((c) => !already.has(c));
      if (fresh.length > 0) this.page(i, now, 'page', `page:${after}:${level}`, fresh, level);
      fresh.forEach((c) => already.add(c));
      level++;
    }
    i.escalationLevel = level - 1;
    i.nextEscalationAt = level < levels.length ? base + levels[level]!.after : this.deps.config.repeat > 0 ? now + this.deps.config.repeat : undefined;
  }

  private resolved(i: Incident, now: number): void {
    const p = i.detail.paging!;
    i.nextEscalationAt = undefined;
    if (this.flapping(i, now)) return;
    if (!this.deps.config.resolved) return;
    p.resolvedNotices++;
    this.update(i, now, 'resolved', `resolved:${p.resolvedNotices}`, i.resolveReason ?? 'resolved');
  }

  private reopened(i: Incident, now: number): void {
    const p = i.detail.paging!;
    if (this.flapping(i, now)) return;
    if (i.severity === 'info') return;
    const channels = this.deps.outbox.pagedChannels(i.id);
    if (channels.length === 0) {
      this.start(i, now);
      return;
    }
    if (now - (i.lastPagedAt ?? 0) >= this.deps.config.cooldown) {
      this.page(i, now, 'reopened', `reopened:${p.changes.length}`, channels, i.escalationLevel);
    }
    i.nextEscalationAt = now;
    this.fire(i, now);
  }

  /**
   * Counts a resolve or reopen; past `changes` within `window` the incident is flapping: one page says so, and its
   * resolves and reopenings stay quiet until it has been stable for a window.
   */
  private flapping(i: Incident, now: number): boolean {
    const p = i.detail.paging!;
    const { changes, window } = this.deps.config.flapping;
    p.changes = [...p.changes.filter((t) => t > now - window), now];
    if (p.flapping) return true;
    if (p.changes.length <= changes) return false;
    p.flapping = true;
    this.deps.timeline(i.id, now, 'flapping', `${p.changes.length} state changes in ${Math.round(window / 60_000)} min: paging once as flapping`);
    const channels = this.deps.outbox.pagedChannels(i.id);
    this.page(i, now, 'flapping', `flapping:${p.changes.length}`, channels.length > 0 ? channels : this.levels(i.policy ?? this.policyFor(i))[0]!.notify, i.escalationLevel);
    return true;
  }

  /** An update to the channels already paged (nothing is sent if nothing was paged). */
  private update(i: Incident, now: number, kind: NotificationKind, step: string, note: string): void {
    const channels = this.deps.outbox.pagedChannels(i.id);
    if (channels.length === 0 || i.detail.paging?.flapping) return;
    this.enqueue(i, now, kind, step, channels, note);
  }

  private page(i: Incident, now: number, kind: NotificationKind, step: string, channels: string[], level: number): void {
    if (channels.length === 0) return;
    this.enqueue(i, now, kind, step, channels, undefined, level);
    i.lastPagedAt = now;
    this.deps.timeline(i.id, now, 'paged', `${kind === 'page' ? `level ${level + 1}` : kind}: ${channels.join(', ')}`, { step, channels });
  }

  private enqueue(i: Incident, now: number, kind: NotificationKind, step: string, channels: string[], note?: string, level?: number): void {
    const facts = factsOf(i, this.deps.baseUrl);
    let added = false;
    for (const channel of channels) {
      const key = `${i.id}|${step}|${channel}`;
      const n: Notification = { kind, key, createdAt: now, incident: facts };
      if (note) n.note = note;
      if (level !== undefined) n.level = level;
      if (kind === 'page' && i.detail.paging?.storm) n.group = i.detail.paging.storm;
      added = this.deps.outbox.enqueue({ incidentId: i.id, channel, step, idempotencyKey: key, payload: JSON.stringify(n), dueAt: now, createdAt: now }) || added;
    }
    if (added) this.deps.onEnqueue?.();
  }
}
