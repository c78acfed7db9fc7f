import type { Db } from './database.js';

/** Learned baselines, by name, so a restart does not forget a week of learning. */
export class DetectorStateRepository {
  constructor(private readonly db: Db) {}

  load(key: string): unknown {
    const row = this.db.prepare('SELECT value FROM detector_state WHERE key = ?').pluck().get(key) as string | undefined;
    return row === undefined ? undefined : (JSON.parse(row) as unknown);
  }

  save(key: string, value: unknown, now: number): void {
    this.db
      .prepare('INSERT INTO detector_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at')
      .run(key, JSON.stringify(value), now);
  }
}
