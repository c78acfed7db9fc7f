import type { Statement } from 'better-sqlite3';
import { activeSignalKey, type ActiveSignal, type Incident, type IncidentDetail, type TimelineEntry } from '../correlate/incident.js';
import type { Db } from './database.js';

interface Row {
  id: number;
  key: string;
  service: string;
  class: Incident['class'];
  severity: Incident['severity'];
  state: Incident['state'];
  summary: string;
  evidence: string;
  detail: string;
  opened_at: number;
  updated_at: number;
  last_signal_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  resolved_at: number | null;
  resolve_reason: string | null;
  policy: string | null;
  escalation_level: number;
  next_escalation_at: number | null;
  last_paged_at: number | null;
}

const COLUMNS = `id, key, service, class, severity, state, summary, evidence, detail, opened_at, updated_at, last_signal_at,
  acknowledged_at, acknowledged_by, resolved_at, resolve_reason, policy, escalation_level, next_escalation_at, last_paged_at`;

function fromRow(r: Row, active: Record<string, ActiveSignal>): Incident {
  const i: Incident = {
    id: r.id,
    key: r.key,
    service: r.service,
    class: r.class,
    severity: r.severity,
    state: r.state,
    summary: r.summary,
    evidence: JSON.parse(r.evidence) as Incident['evidence'],
    detail: { ...(JSON.parse(r.detail) as Omit<IncidentDetail, 'active'>), active },
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    lastSignalAt: r.last_signal_at,
    escalationLevel: r.escalation_level,
  };
  if (r.acknowledged_at !== null) i.acknowledgedAt = r.acknowledged_at;
  if (r.acknowledged_by !== null) i.acknowledgedBy = r.acknowledged_by;
  if (r.resolved_at !== null) i.resolvedAt = r.resolved_at;
  if (r.resolve_reason !== null) i.resolveReason = r.resolve_reason;
  if (r.policy !== null) i.policy = r.policy;
  if (r.next_escalation_at !== null) i.nextEscalationAt = r.next_escalation_at;
  if (r.last_paged_at !== null) i.lastPagedAt = r.last_paged_at;
  return i;
}

/** An incident's detail as its row keeps it: without the active signals, which have rows of their own. */
function detailText(detail: IncidentDetail): string {
  const { active: _active, ...rest } = detail;
  return JSON.stringify(rest);
}

/** Incidents, their active signals and their timelines. */
export class IncidentRepository {
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly eventStmt: Statement;
  private readonly putSignalStmt: Statement;
  private readonly dropSignalStmt: Statement;
  private readonly signalsStmt: Statement;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO incidents (key, service, class, severity, state, summary, evidence, detail, opened_at, updated_at, last_signal_at)
       VALUES (@key, @service, @class, @severity, @state, @summary, @evidence, @detail, @openedAt, @updatedAt, @lastSignalAt)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE incidents SET class = @class, severity = @severity, state = @state, summary = @summary, evidence = @evidence, detail = @detail,
         updated_at = @updatedAt, last_signal_at = @lastSignalAt, acknowledged_at = @acknowledgedAt, acknowledged_by = @acknowledgedBy,
         resolved_at = @resolvedAt, resolve_reason = @resolveReason, policy = @policy, escalation_level = @escalationLevel,
         next_escalation_at = @nextEscalationAt, last_paged_at = @lastPagedAt
       WHERE id = @id`,
    );
    this.eventStmt = db.prepare('INSERT INTO incident_events (incident_id, ts, kind, message, detail) VALUES (?, ?, ?, ?, ?)');
    this.putSignalStmt = db.prepare(
      `INSERT INTO incident_signals (incident_id, detector, key, family, class, severity, summary, ts)
       VALUES (@incidentId, @detector, @key, @family, @class, @severity, @summary, @ts)
       ON CONFLICT (incident_id, detector, key) DO UPDATE SET family = excluded.family, class = excluded.class,
         severity = excluded.severity, summary = excluded.summary, ts = excluded.ts`,
    );
    this.dropSignalStmt = db.prepare('DELETE FROM incident_signals WHERE incident_id = ? AND detector = ? AND key = ?');
    this.signalsStmt = db.prepare('SELECT detector, key, family, class, severity, summary, ts FROM incident_signals WHERE incident_id = ? ORDER BY id');
  }

  /** Runs `fn` in one transaction: an incident change and the notifications it causes commit together. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Open incidents whose next escalation step is due: the timer that survives a restart. */
  dueEscalations(now: number): Incident[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM incidents WHERE state = 'open' AND next_escalation_at IS NOT NULL AND next_escalation_at <= ? ORDER BY next_escalation_at`).all(now) as Row[]).map(this.incidentOf);
  }

  /** Info-level incidents opened since `from`, for the daily digest. */
  infoSince(from: number): Incident[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM incidents WHERE severity = 'info' AND opened_at >= ? ORDER BY id`).all(from) as Row[]).map(this.incidentOf);
  }

  /** Stores a new incident, its active signals included; returns its id. */
  insert(i: Omit<Incident, 'id'>): number {
    const id = Number(this.insertStmt.run({ ...i, evidence: JSON.stringify(i.evidence), detail: detailText(i.detail) }).lastInsertRowid);
    for (const signal of Object.values(i.detail.active)) this.putSignal(id, signal);
    return id;
  }

  /** Stores an incident's row. Its active signals are stored apart, by `putSignal` and `dropSignal`. */
  update(i: Incident): void {
    this.updateStmt.run({
      ...i,
      evidence: JSON.stringify(i.evidence),
      detail: detailText(i.detail),
      acknowledgedAt: i.acknowledgedAt ?? null,
      acknowledgedBy: i.acknowledgedBy ?? null,
      resolvedAt: i.resolvedAt ?? null,
      resolveReason: i.resolveReason ?? null,
      policy: i.policy ?? null,
      nextEscalationAt: i.nextEscalationAt ?? null,
      lastPagedAt: i.lastPagedAt ?? null,
    });
  }

  /** Adds an active signal to an incident, or rewrites it (a refresh) in its place. */
  putSignal(incidentId: number, s: ActiveSignal): void {
    this.putSignalStmt.run({ ...s, incidentId });
  }

  dropSignal(incidentId: number, s: { detector: string; key: string }): void {
    this.dropSignalStmt.run(incidentId, s.detector, s.key);
  }

  addEvent(incidentId: number, ts: number, kind: string, message: string, detail?: unknown): void {
    this.eventStmt.run(incidentId, ts, kind, message, detail === undefined ? null : JSON.stringify(detail));
  }

  loadOpen(): Incident[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM incidents WHERE state = 'open' ORDER BY id`).all() as Row[]).map(this.incidentOf);
  }

  /** The most recent resolved incident of a key, to reopen when its signals return within the merge window. */
  lastResolved(key: string): Incident | undefined {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM incidents WHERE key = ? AND state = 'resolved' ORDER BY resolved_at DESC LIMIT 1`).get(key) as Row | undefined;
    return r ? this.incidentOf(r) : undefined;
  }

  get(id: number): Incident | undefined {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM incidents WHERE id = ?`).get(id) as Row | undefined;
    return r ? this.incidentOf(r) : undefined;
  }

  /** Newest first; open ones only with `state: 'open'`. */
  list(opts: { state?: 'open' | 'all'; limit: number; before?: number }): Incident[] {
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM incidents WHERE (@open = 0 OR state = 'open') AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit`,
      )
      .all({ open: opts.state === 'open' ? 1 : 0, before: opts.before ?? null, limit: opts.limit }) as Row[];
    return rows.map(this.incidentOf);
  }

  /** An incident from its row, with its active signals in the order they joined. */
  private readonly incidentOf = (r: Row): Incident => {
    const active: Record<string, ActiveSignal> = {};
    for (const s of this.signalsStmt.all(r.id) as ActiveSignal[]) active[activeSignalKey(s)] = s;
    return fromRow(r, active);
  };

  timeline(incidentId: number): TimelineEntry[] {
    return (this.db.prepare('SELECT id, incident_id, ts, kind, message, detail FROM incident_events WHERE incident_id = ? ORDER BY id').all(incidentId) as {
      id: number;
      incident_id: number;
      ts: number;
      kind: string;
      message: string;
      detail: string | null;
    }[]).map((e) => ({ id: e.id, incidentId: e.incident_id, ts: e.ts, kind: e.kind, message: e.message, ...(e.detail === null ? {} : { detail: JSON.parse(e.detail) as unknown }) }));
  }
}
