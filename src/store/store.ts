import { CheckHistory } from './check-history.js';
import { CheckRepository } from './check-repository.js';
import { Checkpointer } from './checkpointer.js';
import { openDatabase, type Db } from './database.js';
import { DetectorStateRepository } from './detector-state-repository.js';
import { IncidentRepository } from './incident-repository.js';
import { IngestRepository } from './ingest-repository.js';
import { OutboxRepository } from './outbox-repository.js';
import { SilenceRepository } from './silence-repository.js';
import { migrate, readMigrations, type Migration } from './migrator.js';

/**
 * picket's store: the only place that knows SQL. Subsystems get the repositories they need from it and never see
 * the database handle, so a second backend can implement the same surface.
 */
export class Store {
  readonly checks: CheckRepository;
  readonly checkHistory: CheckHistory;
  readonly ingest: IngestRepository;
  readonly incidents: IncidentRepository;
  readonly detectorState: DetectorStateRepository;
  readonly outbox: OutboxRepository;
  readonly silences: SilenceRepository;
  private readonly checkpointer: Checkpointer | null;

  private constructor(readonly db: Db, file: string) {
    this.checkpointer = file === ':memory:' ? null : new Checkpointer(file);
    const writesHeld = () => this.checkpointer?.writesHeld();
    this.checkHistory = new CheckHistory(db);
    this.checks = new CheckRepository(db, (ts, keys) => this.checkHistory.written(ts, keys), writesHeld);
    this.ingest = new IngestRepository(db, writesHeld);
    this.incidents = new IncidentRepository(db);
    this.detectorState = new DetectorStateRepository(db);
    this.outbox = new OutboxRepository(db);
    this.silences = new SilenceRepository(db);
  }

  /** Opens the database and applies pending migrations (refusing to go on if one fails). */
  static open(file: string): Store {
    const db = openDatabase(file);
    try {
      migrate(db, readMigrations());
    } catch (err) {
      db.close();
      throw err;
    }
    return new Store(db, file);
  }

  /** Resolves once the store's background work (the checkpointer's thread) has started. */
  started(): Promise<void> {
    return this.checkpointer?.started ?? Promise.resolve();
  }

  /** Applies pending migrations and reports which ones ran. */
  static migrate(file: string): Migration[] {
    const db = openDatabase(file);
    try {
      return migrate(db, readMigrations());
    } finally {
      db.close();
    }
  }

  /** Commits a one-row write: throws when the store cannot take writes (read-only file, full disk, I/O error). */
  heartbeat(now: number): void {
    this.db.prepare('INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at').run(now);
  }

  /** Stops the checkpointer, checkpoints what is left and closes the database. */
  async close(): Promise<void> {
    await this.checkpointer?.stop();
    if (!this.db.open) return;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
