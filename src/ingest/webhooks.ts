import type { Clock } from '../clock.js';
import type { ExternalObservation } from '../correlate/observation.js';
import type { Logger } from '../log.js';
import { BatchWriter, type WriteGate } from '../store/batch-writer.js';
import { bodyHash, type DeliveryRecord, type DeliveryResult } from '../store/ingest-repository.js';
import { verifySource } from './auth/index.js';
import { formatNamed } from './formats/index.js';
import { ShapeError } from './formats/read.js';
import { bodyKind } from './body-kind.js';
import { HttpError } from '../http-error.js';
import { RateLimiter } from './rate-limiter.js';
import type { ServiceMatcher } from './service-matcher.js';

export interface SourceConfig {
  format: string;
  auth: { type: string };
  maxBodyBytes: number;
  rateLimit: number;
  [option: string]: unknown;
}

export interface WebhookRequest {
  source: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface WebhookIngestOptions {
  sources: Record<string, SourceConfig>;
  matcher: ServiceMatcher;
  store: { writeDeliveries(batch: DeliveryRecord[]): DeliveryResult[]; writesHeld: WriteGate };
  clock: Clock;
  logger: Logger;
  onObservation: (o: ExternalObservation) => void;
  /** Requests arriving within this many ms share one transaction; 0 (default): those of one event-loop turn. */
  groupCommitMs?: number;
}

/**
 * `POST /ingest/:source`: checks, in order, the source, its rate, the body size, the signature, the content type,
 * the syntax and the shape, then commits the delivery and its normalized events and answers only after the
 * commit. Detection hears about new events after the commit, never about duplicates.
 */
export class WebhookIngest {
  private readonly writer: BatchWriter<DeliveryRecord, DeliveryResult>;
  private readonly limiter = new RateLimiter();
  readonly counts = new Map<string, number>();

  constructor(private readonly opts: WebhookIngestOptions) {
    this.writer = new BatchWriter({ flush: (batch) => opts.store.writeDeliveries(batch), gate: opts.store.writesHeld, maxDelayMs: opts.groupCommitMs ?? 0, maxItems: 500 });
  }

  /** The largest body any source accepts, for the HTTP server's own limit; each source's is checked in `accept`. */
  get maxBodyBytes(): number {
    return Math.max(1, ...Object.values(this.opts.sources).map((s) => s.maxBodyBytes));
  }

  /**
   * The source of that name, or a 404 (counted). The HTTP route asks before reading the body, so a post to a source
   * that does not exist is told 404 whatever its size.
   */
  sourceNamed(name: string): SourceConfig {
    const source = Object.hasOwn(this.opts.sources, name) ? this.opts.sources[name] : undefined;
    if (source) return source;
    // Unknown source names come from the caller; counting them by name would let anyone grow the label set.
    this.count('(unknown)', 'unknown_source');
    throw new HttpError(404, 'unknown_source', `no source "${name}" is configured`);
  }

  async accept(req: WebhookRequest): Promise<{ id: number; duplicate: boolean }> {
    try {
      const result = await this.handle(req);
      this.count(req.source, result.duplicate ? 'duplicate' : 'accepted');
      return result;
    } catch (err) {
      if (err instanceof HttpError && err.status !== 404) this.count(req.source, err.error);
      throw err;
    }
  }

  private async handle(req: WebhookRequest): Promise<{ id: number; duplicate: boolean }> {
    const source = this.sourceNamed(req.source);
    const now = this.opts.clock.now();
    const wait = this.limiter.take(req.source, source.rateLimit, now);
    if (wait !== undefined) throw new HttpError(429, 'rate_limited', `source "${req.source}" is over ${source.rateLimit} requests per second`, wait);
    if (req.body.length > source.maxBodyBytes) throw new HttpError(413, 'payload_too_large', `body is ${req.body.length} bytes; this source accepts at most ${source.maxBodyBytes}`);

    const verdict = verifySource(source.auth, req, now);
    if (!verdict.ok) throw new HttpError(401, 'unauthorized', verdict.reason);

    const format = formatNamed(source.format);
    const contentType = header(req, 'content-type');
    const kind = bodyKind(contentType);
    if (!kind || kind === 'ndjson' || !format.contentTypes.includes(kind)) {
      const accepted = format.contentTypes.map((k) => (k === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')).join(' or ');
      throw new HttpError(415, 'unsupported_media_type', `content type ${contentType ?? '(none)'} is not accepted; send ${accepted}`);
    }
    const body = parseBody(req.body, kind);
    const parsed = format.parse(body, { source: req.source, options: source, receivedAt: now });
    if (parsed instanceof ShapeError) throw new HttpError(422, 'unprocessable', `not a ${source.format} payload: ${parsed.message}`);

    const record: DeliveryRecord = {
      source: req.source,
      bodyHash: bodyHash(req.body),
      contentType,
      rawBody: req.body,
      receivedAt: now,
      deliveryKey: verdict.deliveryId,
      events: parsed.map((event) => {
        const { service, derived } = this.opts.matcher.forEvent(event);
        return { event, service, serviceDerived: derived };
      }),
    };
    let result: DeliveryResult;
    try {
      result = await this.writer.write(record);
    } catch (err) {
      this.opts.logger.error({ err: (err as Error).message, source: req.source }, 'cannot store webhook; answering 503');
      throw new HttpError(503, 'store_unavailable', 'the event could not be stored; retry later', 5);
    }
    for (const { event, service, serviceDerived } of result.stored) {
      this.opts.onObservation({ type: 'external', ts: event.occurredAt, service, serviceDerived, event });
    }
    return { id: result.id, duplicate: result.duplicate };
  }

  private count(source: string, outcome: string): void {
    const key = `${source}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  close(): void {
    this.writer.close();
  }
}

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(raw: Buffer, kind: 'json' | 'form'): unknown {
  const text = raw.toString('utf8');
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, 'malformed', `body is not valid JSON: ${(err as Error).message}`);
  }
}
