import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

export interface RetentionPolicy {
  /** Raw probe results, webhook bodies, auth-failure evidence, delivered notifications. */
  rawMs: number;
  /** Minute rollups, telemetry minutes, external events. */
  minuteMs: number;
  /** Hour rollups. Day rollups and incidents are kept. */
  hourMs: number;
}

const BATCH = 2_000;

/**
 * Deletes old rows in small batches, yielding to the event loop between them, so a retention run over a year of
 * history never blocks probes or ingest for more than a few milliseconds.
 */
export class Retention {
  constructor(
    private readonly db: Db,
    private readonly policy: RetentionPolicy,
  ) {}

  async run(now: number = Date.now()): Promise<Record<string, number>> {
    const rawBefore = now - this.policy.rawMs;
    const minuteBefore = now - this.policy.minuteMs;
    const deleted: Record<string, number> = {};
    const count = (name: string, n: number) => (deleted[name] = (deleted[name] ?? 0) + n);
    // Tables that grow in time order are trimmed from the low end of the rowid: only the oldest rows are looked at,
    // so no index on time is needed.
    const oldestFirst = (table: string, column: string, before: number) =>
      this.drain(this.db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} ORDER BY rowid LIMIT ${BATCH}) AND ${column} < ?`), [before]);

    count('probe_results', await oldestFirst('probe_results', 'ts', rawBefore));

    const checkKeys = (this.db.prepare('SELECT DISTINCT check_key FROM probe_rollups').pluck().all() as number[]);
    const rollups = this.db.prepare(
      `DELETE FROM probe_rollups WHERE (check_key, resolution, bucket) IN
         (SELECT check_key, resolution, bucket FROM probe_rollups WHERE check_key = ? AND resolution = ? AND bucket < ? LIMIT ${BATCH})`,
    );
    for (const key of checkKeys) {
      count('probe_rollups', await this.drain(rollups, [key, 60, Math.floor(minuteBefore / 1000)]));
      count('probe_rollups', await this.drain(rollups, [key, 3600, Math.floor((now - this.policy.hourMs) / 1000)]));
    }

    count('webhook_deliveries', await oldestFirst('webhook_deliveries', 'received_at', rawBefore));
    count('external_events', await oldestFirst('external_events', 'received_at', minuteBefore));
    count('auth_failures', await oldestFirst('auth_failures', 'ts', rawBefore));
    count('telemetry_minutes', await this.drain(this.db.prepare(
      `DELETE FROM telemetry_minutes WHERE (service, minute, route, status, auth) IN
         (SELECT service, minute, route, status, auth FROM telemetry_minutes WHERE minute < ? LIMIT ${BATCH})`,
    ), [Math.floor(minuteBefore / 60_000)]));
    count('outbox', await this.drain(this.db.prepare(
      `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'delivered' AND delivered_at < ? LIMIT ${BATCH})`,
    ), [rawBefore]));
    return deleted;
  }

  /** Runs a batch delete until a batch removes fewer than BATCH rows, yielding to the loop between batches. */
  private async drain(stmt: Statement<unknown[]>, params: unknown[]): Promise<number> {
    let total = 0;
    for (;;) {
      const { changes } = stmt.run(...params);
      total += changes;
      if (changes < BATCH) return total;
      await yieldToLoop();
    }
  }
}
