import type { FastifyInstance } from 'fastify';
import type { TelemetryIngest } from './telemetry.js';
import type { WebhookIngest } from './webhooks.js';

/** The ingest routes, in their own Fastify context so every body arrives raw (signatures are over the bytes). */
export function ingestRoutes(webhooks: WebhookIngest, telemetry: TelemetryIngest) {
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.post<{ Params: { source: string } }>(
      '/ingest/:source',
      { bodyLimit: webhooks.maxBodyBytes, onRequest: async (req) => void webhooks.sourceNamed(req.params.source) },
      async (req, reply) => {
        const result = await webhooks.accept({ source: req.params.source, headers: req.headers, body: bodyOf(req.body) });
        return reply.code(202).send(result.duplicate ? { id: result.id, duplicate: true } : { id: result.id });
      },
    );

    app.post('/v1/events', { bodyLimit: telemetry.maxBatchBytes }, async (req, reply) => {
      return reply.code(202).send(await telemetry.acceptHttp(req.headers, bodyOf(req.body)));
    });
  };
}

function bodyOf(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}
