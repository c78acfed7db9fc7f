import type { FastifyInstance } from 'fastify';
import type { IngestRepository } from '../../store/ingest-repository.js';
import { intParam, textParam } from './query.js';

/** `GET /api/v1/external-events?source=&limit=&before=`: normalized events as received, newest first. */
export function externalEventRoutes(store: Pick<IngestRepository, 'listExternalEvents'>) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Record<string, string> }>('/api/v1/external-events', async (req) => {
      const limit = intParam(req.query.limit, 'limit', { min: 1, max: 1000, fallback: 100 })!;
      const before = intParam(req.query.before, 'before', { min: 1, max: Number.MAX_SAFE_INTEGER });
      const events = store.listExternalEvents({ source: textParam(req.query.source), limit, before });
      return { events, next: events.length === limit ? events.at(-1)!.id : null };
    });
  };
}
