import type { RequestObservation } from '../correlate/observation.js';
import type { Logger } from '../log.js';
import { secureEqual } from '../secure-compare.js';
import { BatchWriter, type WriteGate } from '../store/batch-writer.js';
import type { AuthFailureRecord, TelemetryAggregate, TelemetryBatch } from '../store/ingest-repository.js';
import { OnePerTurn, TurnQueue } from '../event-loop.js';
import { validateRecord } from '../telemetry-record.js';
import { bodyKind } from './body-kind.js';
import { HttpError } from '../http-error.js';
import type { ServiceMatcher } from './service-matcher.js';

export interface TelemetryOptions {
  token?: { reveal(): string };
  maxBatchRecords: number;
  maxBatchBytes: number;
  matcher: ServiceMatcher;
  store: { writeTelemetry(batches: TelemetryBatch[]): void; writesHeld: WriteGate };
  logger: Logger;
  onObservation: (o: RequestObservation) => void;
  /** Raw auth-failure records kept per service per minute, as evidence; the counts are always complete. */
  evidencePerMinute?: number;
}

export interface TelemetryAnswer {
  accepted: number;
  rejected: number;
  errors: { index: number; error: string }[];
}

const MAX_ERRORS = 100;

/** A batch validated and added up, not yet stored. */
interface PreparedBatch {
  observations: RequestObservation[];
  errors: TelemetryAnswer['errors'];
  rejected: number;
  batch?: TelemetryBatch;
}

/**
 * `POST /v1/events` and the in-process plugin: validates each record (a bad one is rejected by index, the rest
 * kept), assigns it to a service by route, adds it to the per-minute aggregates with bounded raw evidence of
 * failed logins, commits, and only then answers and hands the records to detection.
 */
export class TelemetryIngest {
  private readonly writer: BatchWriter<TelemetryBatch>;
  private readonly evidenceCount = new Map<string, number>();
  readonly counts = { accepted: 0, rejected: 0, refused: 0 };
  private readonly serviceOf = (route: string) => this.opts.matcher.forRoute(route);
  private readonly detecting = new TurnQueue<RequestObservation>((o) => this.opts.onObservation(o));
  /** Parsing, validating and adding up a batch: about 2 ms for a thousand records, so a batch has a turn of its own. */
  private readonly preparing = new OnePerTurn();

  constructor(private readonly opts: TelemetryOptions) {
    this.writer = new BatchWriter({ flush: (batches) => opts.store.writeTelemetry(batches), gate: opts.store.writesHeld, maxDelayMs: 0, maxItems: 64 });
  }

  get maxBatchBytes(): number {
    return this.opts.maxBatchBytes;
  }

  /** The HTTP route: bearer token, content type, size, then the records. */
  async acceptHttp(headers: Record<string, string | string[] | undefined>, body: Buffer): Promise<TelemetryAnswer> {
    try {
      const expected = this.opts.token?.reveal();
      if (!expected) throw new HttpError(401, 'unauthorized', 'telemetry.token is not configured; telemetry is refused');
      const auth = typeof headers.authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(headers.authorization.trim())?.[1] : undefined;
      if (!auth || !secureEqual(auth, expected)) throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token');
      const contentType = typeof headers['content-type'] === 'string' ? headers['content-type'] : undefined;
      const kind = bodyKind(contentType);
      if (kind !== 'json' && kind !== 'ndjson') {
        throw new HttpError(415, 'unsupported_media_type', `content type ${contentType ?? '(none)'} is not accepted; send application/json (an array) or application/x-ndjson`);
      }
      if (body.length > this.opts.maxBatchBytes) throw new HttpError(413, 'payload_too_large', `batch is ${body.length} bytes; at most ${this.opts.maxBatchBytes}`);
      return await this.take(() => parseRecords(body, kind));
    } catch (err) {
      if (err instanceof HttpError) this.counts.refused++;
      throw err;
    }
  }

  /** Validates, stores and hands on a batch of raw records (the plugin in-process calls this directly). */
  accept(raw: unknown[]): Promise<TelemetryAnswer> {
    return this.take(() => raw);
  }

  /** Reads (parses), validates and adds up the records in a turn of their own, then commits them. */
  private async take(records: () => unknown[]): Promise<TelemetryAnswer> {
    return this.commit(await this.preparing.run(() => this.prepare(records())));
  }

  private prepare(raw: unknown[]): PreparedBatch {
    if (raw.length > this.opts.maxBatchRecords) {
      throw new HttpError(413, 'payload_too_large', `batch has ${raw.length} records; at most ${this.opts.maxBatchRecords}`);
    }
    const observations: RequestObservation[] = [];
    const errors: TelemetryAnswer['errors'] = [];
    let rejected = 0;
    raw.forEach((r, index) => {
      const v = r === INVALID_LINE ? 'line is not valid JSON' : validateRecord(r, this.serviceOf);
      if (typeof v === 'string') {
        rejected++;
        if (errors.length < MAX_ERRORS) errors.push({ index, error: v });
      } else {
        observations.push(v);
      }
    });
    return { observations, errors, rejected, batch: observations.length > 0 ? this.aggregate(observations) : undefined };
  }

  /** Commits the batch, then answers once detection has taken its records. */
  private async commit({ observations, errors, rejected, batch }: PreparedBatch): Promise<TelemetryAnswer> {
    if (batch) {
      try {
        await this.writer.write(batch);
      } catch (err) {
        this.opts.logger.error({ err: (err as Error).message }, 'cannot store telemetry; answering 503');
        throw new HttpError(503, 'store_unavailable', 'the batch could not be stored; retry later', 5);
      }
    }
    this.counts.accepted += observations.length;
    this.counts.rejected += rejected;
    // A batch of a thousand records through every detector is more than one turn of the event loop should hold, and
    // so are the parts of several batches in flight together: one queue takes them in turn.
    await this.detecting.run(observations);
    return { accepted: observations.length, rejected, errors };
  }

  private aggregate(records: RequestObservation[]): TelemetryBatch {
    const aggregates = new Map<string, TelemetryAggregate>();
    const evidence: AuthFailureRecord[] = [];
    const cap = this.opts.evidencePerMinute ?? 200;
    for (const r of records) {
      const minute = Math.floor(r.ts / 60_000);
      const key = `${r.service}\u0000${minute}\u0000${r.route}\u0000${r.status}\u0000${r.auth}`;
      let a = aggregates.get(key);
      if (!a) {
        a = { service: r.service, minute, route: r.route, status: r.status, auth: r.auth, count: 0, latencySumMs: 0, latencyMaxMs: 0, bytesOut: 0 };
        aggregates.set(key, a);
      }
      a.count++;
      a.latencySumMs += r.latencyMs ?? 0;
      a.latencyMaxMs = Math.max(a.latencyMaxMs, r.latencyMs ?? 0);
      a.bytesOut += r.bytesOut ?? 0;
      if (r.auth === 'failure') {
        const slot = `${r.service}\u0000${minute}`;
        const n = this.evidenceCount.get(slot) ?? 0;
        if (n < cap) {
          this.evidenceCount.set(slot, n + 1);
          evidence.push({ ts: r.ts, service: r.service, route: r.route, status: r.status, ip: r.ip, user: r.user, country: r.country, asn: r.asn, ua: r.ua });
        }
      }
    }
    if (this.evidenceCount.size > 10_000) this.evidenceCount.clear();
    return { aggregates: [...aggregates.values()], evidence };
  }

  close(): void {
    this.writer.close();
  }
}

/** A JSON array (or a single object), or NDJSON lines; a line that does not parse is a rejected record. */
function parseRecords(body: Buffer, kind: 'json' | 'ndjson'): unknown[] {
  const text = body.toString('utf8');
  if (kind === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, 'malformed', `body is not valid JSON: ${(err as Error).message}`);
    }
    if (Array.isArray(parsed)) return parsed;
    if (parsed !== null && typeof parsed === 'object') return [parsed];
    throw new HttpError(400, 'malformed', 'expected a JSON array of records');
  }
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push(INVALID_LINE);
    }
  }
  return out;
}

/** Stands for an NDJSON line that is not JSON, so it is rejected with its index like any other bad record. */
const INVALID_LINE = Symbol('invalid NDJSON line');
