import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

export type OutboxState = 'pending' | 'delivered' | 'dead';

export interface OutboxRow {
  id: number;
  incidentId: number | null;
  channel: string;
  step: string;
  idempotencyKey: string;
  /** The Notification, as JSON. */
  payload: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  firstAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
  deadAt: number | null;
}

export interface NewOutboxRow {
  incidentId: number | null;
  channel: string;
  step: string;
  idempotencyKey: string;
  payload: string;
  dueAt: number;
  createdAt: number;
}

const COLUMNS = `id, incident_id AS incidentId, channel, step, idempotency_key AS idempotencyKey, payload, state, attempts,
  next_attempt_at AS nextAttemptAt, first_attempt_at AS firstAttemptAt, last_error AS lastError, created_at AS createdAt,
  delivered_at AS deliveredAt, dead_at AS deadAt`;

/** Notifications waiting, delivered and dead; written in the incident's transaction, read by the worker. */
export class OutboxRepository {
  private readonly insert: Statement;
  private readonly dueStmt: Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO outbox (incident_id, channel, step, idempotency_key, payload, next_attempt_at, created_at)
       VALUES (@incidentId, @channel, @step, @idempotencyKey, @payload, @dueAt, @createdAt)
       ON CONFLICT (idempotency_key) DO NOTHING`,
    );
    // Per incident and channel, only the oldest pending row is eligible: order is kept, and a row in backoff holds
    // back the ones behind it.
    this.dueStmt = db.prepare(
      `SELECT ${COLUMNS} FROM outbox o
       WHERE o.state = 'pending' AND o.next_attempt_at <= @now
         AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' AND p.channel = o.channel
                         AND p.incident_id IS o.incident_id AND p.id < o.id)
       ORDER BY o.id LIMIT @limit`,
    );
  }

  /** Adds a row unless one with its idempotency key exists; true when added. */
  enqueue(row: NewOutboxRow): boolean {
    return this.insert.run(row).changes === 1;
  }

  due(now: number, limit: number): OutboxRow[] {
    return this.dueStmt.all({ now, limit }) as OutboxRow[];
  }

  /** Pending rows of a storm group on one channel, to send as one message. */
  pendingInGroup(channel: string, group: string, now: number): OutboxRow[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM outbox WHERE state = 'pending' AND channel = ? AND next_attempt_at <= ? AND json_extract(payload, '$.group') = ? ORDER BY id`)
      .all(channel, now, group) as OutboxRow[];
  }

  markDelivered(ids: number[], now: number): void {
    const stmt = this.db.prepare(`UPDATE outbox SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ?), last_error = NULL WHERE id = ?`);
    this.db.transaction(() => {
      for (const id of ids) stmt.run(now, now, id);
    })();
  }

  markRetry(ids: number[], now: number, nextAttemptAt: number, error: string): void {
    const stmt = this.db.prepare(`UPDATE outbox SET attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ?), next_attempt_at = ?, last_error = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const id of ids) stmt.run(now, nextAttemptAt, error, id);
    })();
  }

  markDead(ids: number[], now: number, error: string): void {
    const stmt = this.db.prepare(`UPDATE outbox SET state = 'dead', dead_at = ?, attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, ?), last_error = ? WHERE id = ?`);
    this.db.transaction(() => {
      for (const id of ids) stmt.run(now, now, error, id);
    })();
  }

  /** The channels an incident has been paged on (for resolve messages and updates). */
  pagedChannels(incidentId: number): string[] {
    return this.db
      .prepare(`SELECT DISTINCT channel FROM outbox WHERE incident_id = ? AND (step LIKE 'page:%' OR step LIKE 'repeat:%' OR step LIKE 'flapping:%' OR step LIKE 'reopened:%') ORDER BY channel`)
      .pluck()
      .all(incidentId) as string[];
  }

  hasStep(incidentId: number, step: string): boolean {
    return this.db.prepare('SELECT 1 FROM outbox WHERE incident_id = ? AND step = ? LIMIT 1').get(incidentId, step) !== undefined;
  }

  countSteps(incidentId: number, prefix: string): number {
    return this.db.prepare("SELECT count(DISTINCT step) FROM outbox WHERE incident_id = ? AND step LIKE ? || '%'").pluck().get(incidentId, prefix) as number;
  }

  list(opts: { state?: OutboxState; incidentId?: number; limit: number }): OutboxRow[] {
    return this.db
      .prepare(`SELECT ${COLUMNS} FROM outbox WHERE (@state IS NULL OR state = @state) AND (@incident IS NULL OR incident_id = @incident) ORDER BY id DESC LIMIT @limit`)
      .all({ state: opts.state ?? null, incident: opts.incidentId ?? null, limit: opts.limit }) as OutboxRow[];
  }

  /** Pending and dead rows per channel, for /metrics and status. */
  depth(): { channel: string; state: OutboxState; count: number }[] {
    return this.db.prepare("SELECT channel, state, count(*) AS count FROM outbox WHERE state IN ('pending', 'dead') GROUP BY channel, state").all() as {
      channel: string;
      state: OutboxState;
      count: number;
    }[];
  }

  /** Earliest time a pending row becomes due, so the worker can sleep until then. */
  nextDue(): number | undefined {
    return (this.db.prepare("SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'").pluck().get() as number | null) ?? undefined;
  }
}
