import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import { severityRank } from '../../correlate/classes.js';
import type { Incident } from '../../correlate/incident.js';
import type { CheckHistory } from '../../store/check-history.js';
import type { IncidentRepository } from '../../store/incident-repository.js';

export type ServiceState = 'up' | 'degraded' | 'down' | 'unknown';

export interface ServiceSummary {
  service: string;
  name: string;
  state: ServiceState;
  checks: { total: number; up: number; down: number; unknown: number };
  openIncidents: number;
  /** The most severe open incident's severity, or null. */
  worstSeverity: string | null;
}

/**
 * A service is down when one of its checks is down or an outage is open, degraded when any other incident is open
 * (an attack, a degradation, a misconfiguration), up when its checks are up, unknown before anything ran.
 */
export function summarizeServices(
  names: Record<string, { name?: string }>,
  checks: { service: string; state: string }[],
  open: Pick<Incident, 'service' | 'class' | 'severity'>[],
): ServiceSummary[] {
  const by = new Map<string, ServiceSummary>();
  const of = (service: string) => {
    let s = by.get(service);
    if (!s) {
      s = { service, name: names[service]?.name ?? service, state: 'unknown', checks: { total: 0, up: 0, down: 0, unknown: 0 }, openIncidents: 0, worstSeverity: null };
      by.set(service, s);
    }
    return s;
  };
  for (const service of Object.keys(names)) of(service);
  for (const c of checks) {
    const s = of(c.service);
    s.checks.total++;
    if (c.state === 'up' || c.state === 'down') s.checks[c.state]++;
    else s.checks.unknown++;
  }
  for (const i of open) {
    const s = of(i.service);
    s.openIncidents++;
    if (s.worstSeverity === null || severityRank(i.severity) > severityRank(s.worstSeverity as Incident['severity'])) s.worstSeverity = i.severity;
  }
  for (const s of by.values()) {
    const outage = open.some((i) => i.service === s.service && i.class === 'outage');
    if (s.checks.down > 0 || outage) s.state = 'down';
    else if (s.openIncidents > 0) s.state = 'degraded';
    else if (s.checks.up > 0) s.state = 'up';
  }
  return [...by.values()].sort((a, b) => a.service.localeCompare(b.service));
}

/** `GET /api/v1/services`: each service's state, its checks by state and its open incidents. */
export function serviceRoutes(opts: { names: Record<string, { name?: string }>; history: CheckHistory; incidents: IncidentRepository; clock: Clock }) {
  return async (app: FastifyInstance) => {
    app.get('/api/v1/services', async () => ({
      services: summarizeServices(opts.names, opts.history.list(), opts.incidents.list({ state: 'open', limit: 1000 })),
      at: opts.clock.now(),
    }));
  };
}
