import type { FastifyInstance } from 'fastify';
import { parseDuration } from '../../config/duration.js';
import type { Clock } from '../../clock.js';
import { HttpError } from '../../http-error.js';
import type { SilenceRepository } from '../../store/silence-repository.js';
import { actorOf, requireAdmin } from '../admin-auth.js';

interface SilenceBody {
  service?: unknown;
  class?: unknown;
  check?: unknown;
  for?: unknown;
  endsAt?: unknown;
  startsAt?: unknown;
  reason?: unknown;
}

const text = (v: unknown, name: string, max = 200): string | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw new HttpError(400, 'bad_request', `${name} must be text of at most ${max} characters`);
  return v;
};

const time = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new HttpError(400, 'bad_request', `${name} must be an ISO 8601 time`);
  return ms;
};

/** `GET|POST /api/v1/silences`, `DELETE /api/v1/silences/:id`: hold pages by service, class or check. */
export function silenceRoutes(silences: SilenceRepository, clock: Clock, adminToken: { reveal(): string } | undefined) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: { all?: string } }>('/api/v1/silences', async (req) => ({
      silences: req.query.all === '1' || req.query.all === 'true' ? silences.list(500) : silences.active(clock.now()),
    }));

    app.post<{ Body: SilenceBody }>('/api/v1/silences', { preHandler: requireAdmin(adminToken) }, async (req, reply) => {
      const b = (req.body ?? {}) as SilenceBody;
      if (typeof b !== 'object' || Array.isArray(b)) throw new HttpError(400, 'bad_request', 'expected a JSON object');
      const service = text(b.service, 'service');
      const cls = text(b.class, 'class');
      const checkId = text(b.check, 'check');
      if (!service && !cls && !checkId) throw new HttpError(400, 'bad_request', 'a silence needs a service, a class or a check');
      const reason = text(b.reason, 'reason', 500);
      if (!reason) throw new HttpError(400, 'bad_request', 'a silence needs a reason');
      const now = clock.now();
      const startsAt = time(b.startsAt, 'startsAt') ?? now;
      const forMs = b.for === undefined ? undefined : typeof b.for === 'string' ? parseDuration(b.for) : null;
      if (forMs === null) throw new HttpError(400, 'bad_request', 'for must be a duration such as 30m or 2h');
      const endsAt = time(b.endsAt, 'endsAt') ?? (forMs !== undefined ? startsAt + forMs : undefined);
      if (endsAt === undefined) throw new HttpError(400, 'bad_request', 'a silence needs "for" (a duration) or "endsAt"');
      if (endsAt <= startsAt) throw new HttpError(400, 'bad_request', 'a silence must end after it starts');
      const silence = silences.create({ service, class: cls, checkId, reason, createdBy: actorOf(req), createdAt: now, startsAt, endsAt });
      return reply.code(201).send({ silence });
    });

    app.delete<{ Params: { id: string } }>('/api/v1/silences/:id', { preHandler: requireAdmin(adminToken) }, async (req) => {
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || !silences.expire(id, clock.now())) throw new HttpError(404, 'not_found', `no active silence ${req.params.id}`);
      return { expired: id };
    });
  };
}
