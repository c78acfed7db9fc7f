import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import type { Logger } from '../log.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Runs before every route (the read-token guard). */
  onRequest?: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Route groups to mount (ingest, API, dashboard, metrics), each a Fastify plugin. */
  plugins: ((app: FastifyInstance) => Promise<void>)[];
}

export interface HttpServer {
  app: FastifyInstance;
  /** `http://host:port` the server listens on (the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/** Fastify's own client-error codes, answered with their status instead of a 500. */
const CLIENT_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'malformed'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'malformed'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'malformed'],
  FST_ERR_VALIDATION: [400, 'malformed'],
};

/**
 * The one HTTP server: ingest, API, dashboard and metrics are plugins on it. Every error answers as JSON
 * `{error, detail}`; malformed input is a 4xx, never a 5xx.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServer> {
  const app = Fastify({
    // No Fastify logger: it would build a child logger per request; errors are logged by the handler below.
    logger: false,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
  });
  app.setErrorHandler((err: FastifyError | HttpError, _req, reply) => {
    if (err instanceof HttpError) {
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.status).send({ error: err.error, detail: err.detail });
    }
    const known = err.code ? CLIENT_ERRORS[err.code] : undefined;
    if (known) return reply.code(known[0]).send({ error: known[1], detail: err.message });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: 'bad_request', detail: err.message });
    opts.logger.error({ err: err.message, stack: err.stack }, 'unexpected error in a request handler');
    return reply.code(500).send({ error: 'internal', detail: 'unexpected error; see picket logs' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', detail: `no route ${req.method} ${req.url.split('?')[0]}` }));
  if (opts.onRequest) app.addHook('onRequest', opts.onRequest);
  app.get('/healthz', async () => ({ status: 'ok' }));
  for (const plugin of opts.plugins) await app.register(plugin);
  const address = await app.listen({ host: opts.host, port: opts.port });
  return { app, url: address, close: () => app.close() };
}
