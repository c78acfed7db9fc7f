import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { AuthOutcome, ExternalEvent } from '../correlate/observation.js';
import type { WriteGate } from './batch-writer.js';
import type { Db } from './database.js';

const DEDUP_WINDOW_MS = 24 * 3_600_000;

/** The first delivery with this source and body hash received after a time: dedup by body. */
export const DELIVERY_BY_BODY = 'SELECT id FROM webhook_deliveries WHERE source = ? AND body_hash = ? AND received_at > ? ORDER BY id LIMIT 1';

/** What dedup by body compares: the first 16 bytes of the body's SHA-256. */
export function bodyHash(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest().subarray(0, 16);
}

/** One accepted webhook request and the events it carried, as handed to the store. */
export interface DeliveryRecord {
  source: string;
  /** `bodyHash` of the raw body, for dedup. */
  bodyHash: Buffer;
  contentType?: string;
  rawBody: Buffer;
  receivedAt: number;
  /** The sender's delivery id (Standard Webhooks `webhook-id`). */
  deliveryKey?: string;
  events: { event: ExternalEvent; service: string; serviceDerived: boolean }[];
}

export interface DeliveryResult {
  id: number;
  duplicate: boolean;
  /** Events stored now (not seen before); only these go on to detection. */
  stored: DeliveryRecord['events'];
}

export interface ExternalEventRow extends ExternalEvent {
  id: number;
  deliveryId: number | null;
  receivedAt: number;
  service: string;
  serviceDerived: boolean;
}

/** Per-minute telemetry counts for one (service, minute, route, status, auth). */
export interface TelemetryAggregate {
  service: string;
  minute: number;
  route: string;
  status: number;
  auth: AuthOutcome;
  count: number;
  latencySumMs: number;
  latencyMaxMs: number;
  bytesOut: number;
}

/** A failed authentication kept as incident evidence. */
export interface AuthFailureRecord {
  ts: number;
  service: string;
  route: string;
  status: number;
  ip: string;
  user?: string;
  country?: string;
  asn?: number;
  ua?: string;
}

export interface TelemetryBatch {
  aggregates: TelemetryAggregate[];
  evidence: AuthFailureRecord[];
}

/** Webhook deliveries, normalized external events and telemetry aggregates. */
export class IngestRepository {
  private readonly byKey: Statement;
  private readonly byHash: Statement;
  private readonly byEventId: Statement;
  private readonly insertDelivery: Statement;
  private readonly insertEvent: Statement;
  private readonly upsertMinute: Statement;
  private readonly insertFailure: Statement;
  // The two writes below are transactions built once in the constructor: better-sqlite3 makes four wrapper functions
  // each time `transaction` is called, and these run per batch.
  /**
   * Stores deliveries in one transaction. A delivery seen before (same sender delivery id, or same body within
   * 24 h), or whose events were all seen before (same event id), is not stored again and answers with the first
   * delivery's id. Lookups see earlier deliveries of the same batch, so two copies arriving together count once.
   */
  readonly writeDeliveries: (batch: DeliveryRecord[]) => DeliveryResult[];
  /** Adds telemetry batches to the per-minute aggregates and stores their auth-failure evidence, in one transaction. */
  readonly writeTelemetry: (batches: TelemetryBatch[]) => void;

  /** `writesHeld`: when batched writes of deliveries and telemetry should wait (see `Checkpointer.writesHeld`). */
  constructor(
    private readonly db: Db,
    readonly writesHeld: WriteGate = () => undefined,
  ) {
    this.byKey = db.prepare('SELECT id FROM webhook_deliveries WHERE source = ? AND delivery_key = ?').pluck();
    this.byHash = db.prepare(DELIVERY_BY_BODY).pluck();
    this.byEventId = db.prepare('SELECT coalesce(delivery_id, 0) FROM external_events WHERE source = ? AND event_id = ?').pluck();
    this.insertDelivery = db.prepare(
      'INSERT INTO webhook_deliveries (source, body_hash, content_type, raw_body, received_at, delivery_key) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertEvent = db.prepare(
      `INSERT INTO external_events (delivery_id, source, event_id, monitor_key, name, url, state, status_code, response_time_ms, reason, location, occurred_at, received_at, service, service_derived)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.upsertMinute = db.prepare(
      `INSERT INTO telemetry_minutes (service, minute, route, status, auth, count, latency_sum_ms, latency_max_ms, bytes_out)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (service, minute, route, status, auth) DO UPDATE SET
         count = count + excluded.count,
         latency_sum_ms = latency_sum_ms + excluded.latency_sum_ms,
         latency_max_ms = max(latency_max_ms, excluded.latency_max_ms),
         bytes_out = bytes_out + excluded.bytes_out`,
    );
    this.insertFailure = db.prepare(
      'INSERT INTO auth_failures (ts, service, route, status, ip, user, country, asn, ua) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.writeDeliveries = db.transaction((batch: DeliveryRecord[]) => batch.map((d) => this.storeDelivery(d)));
    this.writeTelemetry = db.transaction((batches: TelemetryBatch[]) => {
      for (const b of batches) {
        for (const a of b.aggregates) {
          this.upsertMinute.run(a.service, a.minute, a.route, a.status, a.auth, a.count, a.latencySumMs, a.latencyMaxMs, a.bytesOut);
        }
        for (const f of b.evidence) {
          this.insertFailure.run(f.ts, f.service, f.route, f.status, f.ip, f.user ?? null, f.country ?? null, f.asn ?? null, f.ua ?? null);
        }
      }
    });
  }

  private storeDelivery(d: DeliveryRecord): DeliveryResult {
    const seen =
      (d.deliveryKey ? (this.byKey.get(d.source, d.deliveryKey) as number | undefined) : undefined) ??
      (this.byHash.get(d.source, d.bodyHash, d.receivedAt - DEDUP_WINDOW_MS) as number | undefined);
    if (seen !== undefined) return { id: seen, duplicate: true, stored: [] };
    let firstSeen: number | undefined;
    const fresh = d.events.filter(({ event }) => {
      if (!event.eventId) return true;
      const prior = this.byEventId.get(d.source, event.eventId) as number | undefined;
      if (prior === undefined) return true;
      firstSeen ??= prior;
      return false;
    });
    if (fresh.length === 0 && firstSeen !== undefined) return { id: firstSeen, duplicate: true, stored: [] };
    const id = Number(this.insertDelivery.run(d.source, d.bodyHash, d.contentType ?? null, d.rawBody, d.receivedAt, d.deliveryKey ?? null).lastInsertRowid);
    for (const { event: e, service, serviceDerived } of fresh) {
      this.insertEvent.run(
        id, d.source, e.eventId ?? null, e.monitorKey, e.name ?? null, e.url ?? null, e.state, e.statusCode ?? null,
        e.responseTimeMs ?? null, e.reason ?? null, e.location ?? null, e.occurredAt, d.receivedAt, service, serviceDerived ? 1 : 0,
      );
    }
    return { id, duplicate: false, stored: fresh };
  }

  /** Normalized events as received, newest first. */
  listExternalEvents(opts: { source?: string; limit: number; before?: number }): ExternalEventRow[] {
    const rows = this.db
      .prepare(
        `SELECT id, delivery_id, source, event_id, monitor_key, name, url, state, status_code, response_time_ms, reason, location,
                occurred_at, received_at, service, service_derived
         FROM external_events
         WHERE (@source IS NULL OR source = @source) AND (@before IS NULL OR id < @before)
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ source: opts.source ?? null, before: opts.before ?? null, limit: opts.limit }) as Record<string, unknown>[];
    return rows.map((r) => {
      const out: ExternalEventRow = {
        id: r.id as number,
        deliveryId: r.delivery_id as number | null,
        source: r.source as string,
        monitorKey: r.monitor_key as string,
        state: r.state as ExternalEvent['state'],
        occurredAt: r.occurred_at as number,
        receivedAt: r.received_at as number,
        service: r.service as string,
        serviceDerived: r.service_derived === 1,
      };
      const optional: [keyof ExternalEvent, string][] = [
        ['eventId', 'event_id'], ['name', 'name'], ['url', 'url'], ['statusCode', 'status_code'],
        ['responseTimeMs', 'response_time_ms'], ['reason', 'reason'], ['location', 'location'],
      ];
      for (const [key, column] of optional) if (r[column] !== null) (out as unknown as Record<string, unknown>)[key] = r[column];
      return out;
    });
  }
}
