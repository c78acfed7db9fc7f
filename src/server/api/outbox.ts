import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../http-error.js';
import type { OutboxRepository, OutboxState } from '../../store/outbox-repository.js';
import { notificationView } from './incidents.js';
import { intParam } from './query.js';

const STATES: OutboxState[] = ['pending', 'delivered', 'dead'];

/** `GET /api/v1/outbox?state=pending|delivered|dead`: notifications waiting, sent and given up on (dead letters). */
export function outboxRoutes(outbox: OutboxRepository) {
  return async (app: FastifyInstance) => {
    app.get<{ Querystring: Record<string, string | undefined> }>('/api/v1/outbox', async (req) => {
      const state = req.query.state as OutboxState | undefined;
      if (state !== undefined && !STATES.includes(state)) throw new HttpError(400, 'bad_request', 'state must be pending, delivered or dead');
      const limit = intParam(req.query.limit, 'limit', { min: 1, max: 1000, fallback: 100 })!;
      return {
        depth: outbox.depth(),
        notifications: outbox.list({ state, limit }).map(notificationView),
      };
    });
  };
}
