import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../../clock.js';
import { mapInTurns, yieldToLoop } from '../../event-loop.js';
import { HttpError } from '../../http-error.js';
import type { CheckHistory, CheckStatus } from '../../store/check-history.js';
import type { IncidentRepository } from '../../store/incident-repository.js';
import type { OutboxRepository } from '../../store/outbox-repository.js';
import { checkView } from '../api/checks.js';
import { incidentView, notificationView } from '../api/incidents.js';
import { summarizeServices } from '../api/services.js';
import { SCRIPT, STYLESHEET } from './assets.js';
import { Html } from './html.js';
import { checkPage, incidentPage, overviewPage, type ListedCheck } from './pages.js';

export interface DashboardOptions {
  history: CheckHistory;
  incidents: IncidentRepository;
  outbox: OutboxRepository;
  services: Record<string, { name?: string }>;
  clock: Clock;
}

/** Everything from this origin, nothing inline, no frames: evidence on the page comes from attackers. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

function sendPage(reply: FastifyReply, page: Html | AsyncIterable<string>) {
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .send(page instanceof Html ? page.value : Readable.from(page));
}

/** `GET /` (overview), `/incidents/:id`, `/checks/:id` and the two assets: server-rendered HTML and SVG. */
export function dashboardRoutes(opts: DashboardOptions) {
  const { history, incidents, clock } = opts;

  /** Every check, or `only`, with its figures; the days and hours of each are added only when its row is drawn. */
  const dashboardChecks = async (now: number, only?: CheckStatus): Promise<ListedCheck[]> => {
    const checks = only ? [only] : history.list();
    const summary = await history.summaries(now);
    const days = await history.days(now, 90);
    const hourly = await history.hourly(now);
    await yieldToLoop();
    return mapInTurns(checks, (c) => {
      const view = checkView(c, summary(c.key));
      return { ...view, detail: () => ({ ...view, days: days(c.key), hourly: hourly(c.key) }) };
    });
  };

  return async (app: FastifyInstance) => {
    app.get('/assets/picket.css', (_req, reply) => reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'max-age=300').send(STYLESHEET));
    app.get('/assets/picket.js', (_req, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'max-age=300').send(SCRIPT));

    app.get('/', async (_req, reply) => {
      const now = clock.now();
      const checks = await dashboardChecks(now);
      await yieldToLoop();
      const open = incidents.list({ state: 'open', limit: 200 });
      const recent = incidents
        .list({ state: 'all', limit: 30 })
        .filter((i) => i.state === 'resolved')
        .slice(0, 10);
      // Most severe first, then oldest: what needs a person now is at the top.
      const rank = { critical: 0, warning: 1, info: 2 };
      open.sort((a, b) => rank[a.severity] - rank[b.severity] || a.openedAt - b.openedAt);
      return sendPage(reply, overviewPage({ now, services: summarizeServices(opts.services, checks, open), checks, open: open.map(incidentView), recent: recent.map(incidentView) }));
    });

    app.get<{ Params: { id: string } }>('/incidents/:id', async (req, reply) => {
      const id = /^\d+$/.test(req.params.id) ? Number(req.params.id) : NaN;
      const incident = Number.isSafeInteger(id) ? incidents.get(id) : undefined;
      if (!incident) throw new HttpError(404, 'not_found', `no incident ${req.params.id}`);
      return sendPage(
        reply,
        incidentPage({
          now: clock.now(),
          incident: incidentView(incident),
          timeline: incidents.timeline(id),
          notifications: opts.outbox.list({ incidentId: id, limit: 200 }).reverse().map(notificationView),
        }),
      );
    });

    app.get<{ Params: { id: string } }>('/checks/:id', async (req, reply) => {
      const found = history.get(req.params.id);
      if (!found) throw new HttpError(404, 'not_found', `no check ${req.params.id}`);
      const now = clock.now();
      const [listed] = await dashboardChecks(now, found);
      const minutes = history.rollups(found.key, 60, now - 86_400_000, now, 1440).map((p) => ({ ts: p.ts, avgMs: p.latencyMs?.avg ?? null, uptime: p.uptime }));
      const recent = history.latest(found.key, 20);
      return sendPage(reply, checkPage({ now, check: listed!.detail(), minutes, recent }));
    });
  };
}
