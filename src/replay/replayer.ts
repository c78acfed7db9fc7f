import { VirtualClock } from '../clock.js';
import type { PicketConfig } from '../config/load.js';
import type { Incident } from '../correlate/incident.js';
import type { ErrorClass, Finding, Observation } from '../correlate/observation.js';
import { Escalation } from '../correlate/escalation.js';
import { MaintenanceWindows } from '../correlate/maintenance.js';
import { IncidentPipeline, loginChecksOf, TICK_MS } from '../correlate/pipeline.js';
import { formatNamed } from '../ingest/formats/index.js';
import { ShapeError } from '../ingest/formats/read.js';
import { ServiceMatcher, UNROUTED_SERVICE } from '../ingest/service-matcher.js';
import { applyRun, INITIAL_STATE, probeObservation, type CheckState } from '../probe/check-state.js';
import { Store } from '../store/store.js';
import { validateRecord } from '../telemetry-record.js';
import { OTHER, RecordBatchReader, recordType, REQUEST } from './record-batch.js';
import { readRecords } from './record-reader.js';

/** One incident as `picket replay --json` prints it. */
export interface ReplayIncident {
  id: number;
  class: string;
  severity: string;
  service: string;
  openedAt: string;
  resolvedAt: string | null;
  summary: string;
  evidence: { ips: string[]; users: string[] };
}

export interface ReplayStats {
  records: number;
  rejected: number;
  byType: Record<string, number>;
}

/**
 * Feeds recorded telemetry, probe results and webhooks through the real detectors and correlator on a virtual
 * clock taken from the records' timestamps, with an in-memory store and no channels. The same input gives the same
 * incidents.
 */
export class Replayer {
  private readonly clock = new VirtualClock(0);
  private readonly store: Store;
  private readonly pipeline: IncidentPipeline;
  private readonly matcher: ServiceMatcher;
  private readonly serviceOf = (route: string) => this.matcher.forRoute(route);
  private readonly checks = new Map<string, { state: CheckState; failureThreshold: number; successThreshold: number }>();
  /** auth-login checks per service: from the config, and learned from probe records. */
  private readonly loginChecks = new Map<string, Set<string>>();
  private nextTick = -1;
  readonly stats: ReplayStats = { records: 0, rejected: 0, byType: {} };

  constructor(private readonly config?: PicketConfig) {
    this.store = Store.open(':memory:');
    // Without a config, a route's first segment names its service (`/v1/orders/:id` is `v1`).
    this.matcher = config ? new ServiceMatcher(config.services) : new ServiceMatcher({}, (route) => route.split('/').find((s) => s !== '' && !s.startsWith(':')) ?? UNROUTED_SERVICE);
    loginChecksOf(config?.checks ?? [], this.loginChecks);
    // Escalation runs as it would live, so the notifications an incident would cause are counted; they are
    // written to the in-memory outbox and never delivered.
    const escalation = config
      ? new Escalation({
          config: config.escalation,
          channels: Object.keys(config.channels),
          outbox: this.store.outbox,
          silences: { active: () => [] },
          maintenance: new MaintenanceWindows([]),
          timeline: (id, ts, kind, message, detail) => this.store.incidents.addEvent(id, ts, kind, message, detail),
          baseUrl: config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}`,
        })
      : undefined;
    this.pipeline = new IncidentPipeline({
      detect: config?.detect ?? {},
      services: config?.services ?? {},
      crawlers: config?.crawlers ?? [],
      loginChecks: this.loginChecks,
      store: this.store.incidents,
      clock: this.clock,
      hooks: escalation ? [escalation.onChange] : [],
      timers: escalation ? [escalation.due] : [],
    });
  }

  async replayFile(file: string): Promise<ReplayIncident[]> {
    const batches = new RecordBatchReader(this.serviceOf);
    await readRecords(file, (batch) => {
      batches.add(batch);
      let other = 0;
      for (let n = 0; n < batch.count; n++) {
        const kind = batch.kinds[n];
        if (kind === REQUEST) {
          this.stats.records++;
          this.observe(batches.request(batch, n));
        } else if (kind === OTHER) {
          this.feed(batch.others[other++]);
        } else {
          this.stats.records++;
          this.stats.rejected++;
        }
      }
    });
    return this.finish();
  }

  feed(record: unknown): void {
    this.stats.records++;
    const observations = this.toObservations(record);
    if (!observations) this.stats.rejected++;
    else if (Array.isArray(observations)) for (const o of observations) this.observe(o);
    else this.observe(observations);
  }

  private observe(o: Observation): void {
    this.stats.byType[o.type] = (this.stats.byType[o.type] ?? 0) + 1;
    this.advance(o.ts);
    this.pipeline.observe(o);
  }

  /** Ends the replay at the last record's time and returns every incident, in the order they opened. */
  finish(): ReplayIncident[] {
    this.pipeline.tick(this.clock.now());
    const incidents = this.store.incidents.list({ state: 'all', limit: 1_000_000 }).reverse();
    return incidents.map(toReplayIncident);
  }

  incidents(): Incident[] {
    return this.store.incidents.list({ state: 'all', limit: 1_000_000 }).reverse();
  }

  /** Notifications the escalation policy would have sent for an incident (pages, updates, resolves). */
  notificationsFor(incidentId: number): number {
    return this.store.outbox.list({ incidentId, limit: 100_000 }).length;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /** Runs the ticks a live picket would have run between the previous record and this one. */
  private advance(ts: number): void {
    if (this.nextTick < 0) this.nextTick = Math.floor(ts / TICK_MS) * TICK_MS + TICK_MS;
    while (ts >= this.nextTick) {
      this.clock.set(this.nextTick);
      this.pipeline.tick(this.nextTick);
      this.nextTick += TICK_MS;
    }
    this.clock.set(ts);
  }

  /** One observation, or several for a webhook; a lone one is not wrapped in a list, as it is for every request. */
  private toObservations(record: unknown): Observation | Observation[] | undefined {
    const type = recordType(record);
    const r = record as Record<string, unknown>;
    if (type === 'request') {
      const o = validateRecord(r, this.serviceOf);
      return typeof o === 'string' ? undefined : o;
    }
    if (type === 'probe') return this.probe(r);
    if (type === 'webhook') return this.webhook(r);
    return undefined;
  }

  private probe(r: Record<string, unknown>): Observation | undefined {
    const ts = typeof r.ts === 'number' ? r.ts : typeof r.ts === 'string' ? Date.parse(r.ts) : NaN;
    if (!Number.isFinite(ts) || typeof r.check !== 'string' || typeof r.service !== 'string' || typeof r.ok !== 'boolean') return undefined;
    const kind = typeof r.kind === 'string' ? r.kind : 'http';
    // Login checks named in probe records count too, for configs that do not list them.
    loginChecksOf([{ kind, service: r.service, id: r.check }], this.loginChecks);
    let c = this.checks.get(r.check);
    if (!c) {
      const configured = this.config?.checks.find((k) => k.id === r.check);
      c = { state: INITIAL_STATE, failureThreshold: configured?.failureThreshold ?? 2, successThreshold: configured?.successThreshold ?? 2 };
      this.checks.set(r.check, c);
    }
    const findings = Array.isArray(r.findings) ? (r.findings as Finding[]) : [];
    const result = { ok: r.ok, status: typeof r.status === 'number' ? r.status : undefined, error: r.error as ErrorClass | undefined, message: typeof r.message === 'string' ? r.message : r.ok ? 'ok' : String(r.error ?? 'failed'), timings: { totalMs: typeof r.latencyMs === 'number' ? r.latencyMs : 0 }, findings };
    const t = applyRun(c.state, result, c, ts);
    c.state = t.next;
    return probeObservation({ id: r.check, service: r.service, kind }, ts, result, t);
  }

  private webhook(r: Record<string, unknown>): Observation[] | undefined {
    const ts = typeof r.ts === 'number' ? r.ts : typeof r.ts === 'string' ? Date.parse(r.ts) : NaN;
    if (!Number.isFinite(ts) || typeof r.source !== 'string') return undefined;
    const source = this.config?.sources[r.source];
    let format;
    try {
      format = formatNamed(source?.format ?? r.source);
    } catch {
      return undefined;
    }
    const events = format.parse(r.body, { source: r.source, options: (source ?? {}) as Record<string, unknown>, receivedAt: ts });
    if (events instanceof ShapeError || events.length === 0) return undefined;
    return events.map((event) => {
      const { service, derived } = this.config ? this.matcher.forEvent(event) : { service: event.serviceHint ?? event.name ?? event.monitorKey, derived: true };
      return { type: 'external' as const, ts, service, serviceDerived: derived, event };
    });
  }
}

export function toReplayIncident(i: Incident): ReplayIncident {
  return {
    id: i.id,
    class: i.class,
    severity: i.severity,
    service: i.service,
    openedAt: new Date(i.openedAt).toISOString(),
    resolvedAt: i.resolvedAt === undefined ? null : new Date(i.resolvedAt).toISOString(),
    summary: i.summary,
    evidence: { ips: (i.evidence.ips ?? []).map((c) => c.key), users: (i.evidence.users ?? []).map((c) => c.key) },
  };
}
