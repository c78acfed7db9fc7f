import { CheckRepository } from './check-repository.js';
import { openDatabase, type Db } from './database.js';
import { IngestRepository } from './ingest-repository.js';
import { migrate, readMigrations, type Migration } from './migrator.js';

/**
 * picket's store: the only place that knows SQL. Subsystems get the repositories they need from it and never see
 * the database handle, so a second backend can implement the same surface.
 */
export class Store {
  readonly checks: CheckRepository;
  readonly ingest: IngestRepository;

  private constructor(readonly db: Db) {
    this.checks = new CheckRepository(db);
    this.ingest = new IngestRepository(db);
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
    return new Store(db);
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}
