import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Correlator } from '../../correlate/correlator.js';
import { incidentTitle } from '../../correlate/correlator.js';
import type { Incident } from '../../correlate/incident.js';
import { HttpError } from '../../http-error.js';
import type { IncidentRepository } from '../../store/incident-repository.js';
import type { OutboxRepository, OutboxRow } from '../../store/outbox-repository.js';
import { actorOf, requireAdmin } from '../admin-auth.js';
import { intParam } from './query.js';

/** An incident as the API shows it: the correlator's working state reduced to the signals still active. */
export function incidentView(i: Incident) {
  return {
    id: i.id,
    service: i.service,
    class: i.class,
    title: incidentTitle(i.class),
    severity: i.severity,
    state: i.state,
    summary: i.summary,
    evidence: i.evidence,
    signals: Object.values(i.detail.active).map((s) => ({ detector: s.detector, class: s.class, severity: s.severity, summary: s.summary, ts: s.ts })),
    openedAt: i.openedAt,
    updatedAt: i.updatedAt,
    lastSignalAt: i.lastSignalAt,
    acknowledgedAt: i.acknowledgedAt ?? null,
    acknowledgedBy: i.acknowledgedBy ?? null,
    resolvedAt: i.resolvedAt ?? null,
    resolveReason: i.resolveReason ?? null,
    escalation: {
      policy: i.policy ?? null,
      /** Levels are counted from 1 for people; 0 means no level has paged yet. */
      level: i.escalationLevel + 1,
      nextAt: i.nextEscalationAt ?? null,
      lastPagedAt: i.lastPagedAt ?? null,
      held: i.detail.paging?.held ?? null,
      flapping: i.detail.paging?.flapping ?? false,
    },
  };
}

export type IncidentView = ReturnType<typeof incidentView>;

/** A notification row without its payload (which repeats the incident and carries channel-specific text). */
export function notificationView(r: OutboxRow) {
  return {
    id: r.id,
    incidentId: r.incidentId,
    channel: r.channel,
    step: r.step,
    state: r.state,
    attempts: r.attempts,
    createdAt: r.createdAt,
    nextAttemptAt: r.state === 'pending' ? r.nextAttemptAt : null,
    deliveredAt: r.deliveredAt,
    deadAt: r.deadAt,
    lastError: r.lastError,
  };
}

function incidentId(req: FastifyRequest<{ Params: { id: string } }>): number {
  const id = /^\d+$/.test(req.params.id) ? Number(req.params.id) : NaN;
  if (!Number.isSafeInteger(id)) throw new HttpError(404, 'not_found', `no incident ${req.params.id}`);
  return id;
}

export interface IncidentRouteOptions {
  incidents: IncidentRepository;
  outbox: OutboxRepository;
  correlator: Pick<Correlator, 'acknowledge' | 'resolveManually'>;
  clock: Clock;
  adminToken: { reveal(): string } | undefined;
}

/** `GET /api/v1/incidents`, `GET /api/v1/incidents/:id`, `POST /api/v1/incidents/:id/ack|resolve`. */
export function incidentRoutes(opts: IncidentRouteOptions) {
  const { incidents, outbox, correlator, clock } = opts;
  const admin = { preHandler: requireAdmin(opts.adminToken) };

  const openOne = (req: FastifyRequest<{ Params: { id: string } }>, verb: string): number => {
    const id = incidentId(req);
    const found = incidents.get(id);
    if (!found) throw new HttpError(404, 'not_found', `no incident ${id}`);
    if (found.state === 'resolved') throw new HttpError(409, 'conflict', `incident ${id} is already resolved; nothing to ${verb}`);
    return id;
  };

  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Record<string, string | undefined> }>('/api/v1/incidents', async (req) => {
      const state = req.query.state ?? 'all';
      if (state !== 'open' && state !== 'all') throw new HttpError(400, 'bad_request', 'state must be open or all');
      const limit = intParam(req.query.limit, 'limit', { min: 1, max: 500, fallback: 100 })!;
      const before = intParam(req.query.before, 'before', { min: 1, max: Number.MAX_SAFE_INTEGER });
      const list = incidents.list({ state, limit, before });
      return { incidents: list.map(incidentView), next: list.length === limit ? list.at(-1)!.id : null };
    });

    app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', async (req) => {
      const id = incidentId(req);
      const incident = incidents.get(id);
      if (!incident) throw new HttpError(404, 'not_found', `no incident ${id}`);
      return {
        incident: incidentView(incident),
        timeline: incidents.timeline(id).map(({ incidentId: _i, ...e }) => e),
        notifications: outbox.list({ incidentId: id, limit: 500 }).reverse().map(notificationView),
      };
    });

    app.post<{ Params: { id: string } }>('/api/v1/incidents/:id/ack', admin, async (req) => {
      const id = openOne(req, 'acknowledge');
      const incident = correlator.acknowledge(id, actorOf(req), clock.now()) ?? incidents.get(id)!;
      return { incident: incidentView(incident) };
    });

    app.post<{ Params: { id: string } }>('/api/v1/incidents/:id/resolve', admin, async (req) => {
      const id = openOne(req, 'resolve');
      const incident = correlator.resolveManually(id, actorOf(req), clock.now()) ?? incidents.get(id)!;
      return { incident: incidentView(incident) };
    });
  };
}
