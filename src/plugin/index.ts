import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthOutcome } from '../correlate/observation.js';
import { collapsePath, type TelemetryRecord } from '../telemetry-record.js';
import { clientIp, type TrustProxy } from './client-ip.js';
import { Shipper } from './shipper.js';

export type { TelemetryRecord, TrustProxy, AuthOutcome };

export interface PicketTelemetryOptions {
  /** picket's base URL (`http://127.0.0.1:8787`); records go to `POST /v1/events`. */
  url?: string;
  /** The `telemetry.token` of that picket. */
  token?: string;
  /** Instead of `url`: hand batches to an in-process picket (`runtime.telemetry.accept`). */
  deliver?: (records: TelemetryRecord[]) => Promise<unknown> | unknown;
  /** Routes where 2xx means a successful login and 401/403 a failed one (exact text or a RegExp). */
  loginRoutes?: (string | RegExp)[];
  trustProxy?: TrustProxy;
  /** Who made the request (a user id or login name); default none. */
  user?: (req: IncomingMessage) => string | undefined;
  /** Overrides the auth outcome; return undefined to keep the default. */
  authOutcome?: (req: IncomingMessage, status: number) => AuthOutcome | undefined;
  /** Records per request to picket (default 500). */
  batchSize?: number;
  /** How often to ship (default 1000 ms). */
  flushIntervalMs?: number;
  /** Records kept while picket is unreachable; beyond it the oldest are dropped and counted (default 10,000). */
  maxBuffer?: number;
  /** Per request to picket (default 5000 ms). */
  timeoutMs?: number;
  onError?: (err: unknown) => void;
}

interface Observed {
  req: IncomingMessage;
  status: number;
  route: string;
  latencyMs: number;
  bytesOut?: number;
}

/** Express's request, as much of it as the plugin reads. */
interface ExpressLikeRequest extends IncomingMessage {
  baseUrl?: string;
  route?: { path?: string };
  originalUrl?: string;
}

/** Fastify's request and reply, as much of them as the plugin reads. */
interface FastifyLikeRequest {
  raw: IncomingMessage;
  routeOptions?: { url?: string };
  url: string;
}
interface FastifyLikeReply {
  statusCode: number;
  elapsedTime: number;
  getHeader(name: string): unknown;
}
interface FastifyLikeInstance {
  addHook(name: 'onResponse', hook: (req: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<void>): unknown;
}

/**
 * Telemetry for an API that picket watches: middleware for node:http, Express and Fastify that records method,
 * route template, status, latency, client IP, user and auth outcome, and ships them to picket in the background.
 * It never blocks, slows or crashes the host app.
 */
export class PicketTelemetry {
  private readonly shipper: Shipper;
  private readonly loginRoutes: (string | RegExp)[];

  constructor(private readonly opts: PicketTelemetryOptions) {
    if (!opts.url && !opts.deliver) throw new Error('picket telemetry needs `url` (with `token`) or `deliver`');
    this.loginRoutes = opts.loginRoutes ?? [];
    const timeoutMs = opts.timeoutMs ?? 5_000;
    const endpoint = opts.url ? new URL('/v1/events', opts.url).toString() : undefined;
    this.shipper = new Shipper({
      batchSize: opts.batchSize ?? 500,
      flushIntervalMs: opts.flushIntervalMs ?? 1_000,
      maxBuffer: opts.maxBuffer ?? 10_000,
      onError: opts.onError ?? (() => undefined),
      send: opts.deliver
        ? async (records) => void (await opts.deliver!(records))
        : async (records) => {
            const res = await fetch(endpoint!, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token ?? ''}` },
              body: JSON.stringify(records),
              signal: AbortSignal.timeout(timeoutMs),
            });
            // A 4xx other than 429 will not get better by retrying (a wrong token): drop the batch, count it.
            if (res.status === 429 || res.status >= 500) throw new Error(`picket answered ${res.status}`);
            if (!res.ok) {
              this.shipper.stats.dropped += records.length;
              throw new Error(`picket refused the batch: ${res.status}`);
            }
          },
    });
  }

  get stats() {
    return { ...this.shipper.stats, buffered: this.shipper.buffered };
  }

  /** Adds one record directly (for frameworks the plugin does not wrap). */
  record(rec: TelemetryRecord): void {
    this.shipper.push(rec);
  }

  /** Express (or Connect) middleware; mount it before the routes. */
  express() {
    return (req: ExpressLikeRequest, res: ServerResponse, next: () => void) => {
      const start = performance.now();
      res.once('finish', () =>
        this.observe(() => ({
          req,
          status: res.statusCode,
          route: req.route?.path !== undefined ? `${req.baseUrl ?? ''}${req.route.path}` : collapsePath(req.originalUrl ?? req.url ?? '/'),
          latencyMs: performance.now() - start,
          bytesOut: contentLength(res.getHeader('content-length')),
        })),
      );
      next();
    };
  }

  /** Fastify plugin: `app.register(telemetry.fastify())`. It applies to every route, not only its own scope. */
  fastify() {
    const plugin = async (app: FastifyLikeInstance) => {
      app.addHook('onResponse', async (request, reply) => {
        this.observe(() => ({
          req: request.raw,
          status: reply.statusCode,
          route: request.routeOptions?.url ?? collapsePath(request.url),
          latencyMs: reply.elapsedTime,
          bytesOut: contentLength(reply.getHeader('content-length')),
        }));
      });
    };
    // What fastify-plugin does: the hook belongs to the parent app, so it sees every route.
    Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'picket-telemetry' });
    return plugin;
  }

  /** Wraps a node:http request listener. */
  nodeHttp(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    return (req: IncomingMessage, res: ServerResponse) => {
      const start = performance.now();
      res.once('finish', () =>
        this.observe(() => ({
          req,
          status: res.statusCode,
          route: collapsePath(req.url ?? '/'),
          latencyMs: performance.now() - start,
          bytesOut: contentLength(res.getHeader('content-length')),
        })),
      );
      handler(req, res);
    };
  }

  flush(): Promise<void> {
    return this.shipper.flush();
  }

  /** Ships what is buffered (one attempt) and stops the background timer. */
  close(): Promise<void> {
    return this.shipper.close();
  }

  /** Builds and buffers a record; any error (in a user callback, say) is reported, never thrown into the app. */
  private observe(read: () => Observed): void {
    try {
      const o = read();
      const rec: TelemetryRecord = {
        ts: Date.now(),
        method: o.req.method,
        route: o.route,
        status: o.status,
        latencyMs: Math.round(o.latencyMs * 1000) / 1000,
        ip: clientIp(o.req, this.opts.trustProxy ?? false),
        auth: this.opts.authOutcome?.(o.req, o.status) ?? this.defaultAuth(o.route, o.status),
      };
      const user = this.opts.user?.(o.req);
      if (user) rec.user = user;
      if (o.bytesOut !== undefined) rec.bytesOut = o.bytesOut;
      const ua = o.req.headers['user-agent'];
      if (ua) rec.ua = ua;
      this.shipper.push(rec);
    } catch (err) {
      try {
        this.opts.onError?.(err);
      } catch {
        // the host's error callback must not break the response path
      }
    }
  }

  private defaultAuth(route: string, status: number): AuthOutcome {
    if (!this.loginRoutes.some((r) => (typeof r === 'string' ? r === route : r.test(route)))) return 'none';
    if (status === 401 || status === 403) return 'failure';
    return status >= 200 && status < 300 ? 'success' : 'none';
  }
}

function contentLength(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function createPicketTelemetry(opts: PicketTelemetryOptions): PicketTelemetry {
  return new PicketTelemetry(opts);
}
