import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';

export interface ReadinessSources {
  clock: Clock;
  /** Commits a tiny write; throws when the store cannot take writes. */
  writeHeartbeat(now: number): void;
  /** When the scheduler last looked at its queue (it ticks every second). */
  schedulerTickAt(): number;
  /** When the outbox worker last ran a round (at least every second while it runs). */
  outboxRunAt(): number;
}

/** A part is stalled when it has not shown life for this long. */
export const STALL_MS = 10_000;
/** The store write is repeated at most this often, so a scraper polling /readyz cannot load the store. */
const WRITE_EVERY_MS = 1_000;

/**
 * `/readyz`: 200 when the store takes writes, the scheduler ticks and the outbox worker runs; otherwise 503 with
 * every reason, so a load balancer stops sending webhooks that could not be committed and an operator reads why.
 */
export function readinessRoutes(src: ReadinessSources) {
  let lastWrite = { at: -Infinity, error: null as string | null };
  const storeProblem = (now: number): string | null => {
    if (now - lastWrite.at >= WRITE_EVERY_MS) {
      try {
        src.writeHeartbeat(now);
        lastWrite = { at: now, error: null };
      } catch (err) {
        lastWrite = { at: now, error: (err as Error).message };
      }
    }
    return lastWrite.error === null ? null : `store does not take writes: ${lastWrite.error}`;
  };
  return async (app: FastifyInstance) => {
    app.get('/readyz', async (_req, reply) => {
      const now = src.clock.now();
      const problems: string[] = [];
      const store = storeProblem(now);
      if (store) problems.push(store);
      const tick = src.schedulerTickAt();
      if (now - tick > STALL_MS) problems.push(tick === 0 ? 'scheduler has not started' : `scheduler has not ticked for ${Math.round((now - tick) / 1000)} s`);
      const round = src.outboxRunAt();
      if (now - round > STALL_MS) problems.push(round === 0 ? 'outbox worker has not started' : `outbox worker has not run for ${Math.round((now - round) / 1000)} s`);
      if (problems.length === 0) return { status: 'ready' };
      return reply.code(503).send({ error: 'not_ready', detail: problems.join('; ') });
    });
  };
}
