import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PicketError } from '../errors.js';
import type { Db } from './database.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
}

/** The package's own `migrations/` folder, from both `src/` (tests) and `dist/` (installed). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE_NAME = /^(\d+)_([A-Za-z0-9_-]+)\.sql$/;

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .map((file) => {
      const m = FILE_NAME.exec(file);
      if (!m) throw new PicketError('PICKET_MIGRATION_NAME', `migration file ${file} is not named NNNN_name.sql`);
      const sql = readFileSync(path.join(dir, file), 'utf8');
      return { version: Number(m[1]), name: m[2]!, file, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    })
    .sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new PicketError('PICKET_MIGRATION_NAME', `migrations ${migrations[i - 1]!.file} and ${migrations[i]!.file} share a number`);
    }
  }
  return migrations;
}

/**
 * Applies pending migrations in order, each in its own transaction, and records them. A failing migration is
 * rolled back and reported by file name; an applied migration whose file changed since, or a database newer
 * than this picket, is refused rather than guessed at.
 */
export function migrate(db: Db, migrations: Migration[] = readMigrations()): Migration[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    checksum   TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Map(
    (db.prepare('SELECT version, name, checksum FROM schema_migrations').all() as { version: number; name: string; checksum: string }[]).map(
      (r) => [r.version, r],
    ),
  );
  const known = new Set(migrations.map((m) => m.version));
  for (const row of applied.values()) {
    if (!known.has(row.version)) {
      throw new PicketError(
        'PICKET_MIGRATION_UNKNOWN',
        `the database has migration ${row.version} (${row.name}) that this picket does not know; it was written by a newer version`,
      );
    }
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  const done: Migration[] = [];
  for (const m of migrations) {
    const row = applied.get(m.version);
    if (row) {
      if (row.checksum !== m.checksum) {
        throw new PicketError('PICKET_MIGRATION_CHANGED', `migration ${m.file} was changed after it was applied to this database`);
      }
      continue;
    }
    try {
      db.transaction(() => {
        db.exec(m.sql);
        record.run(m.version, m.name, m.checksum, Date.now());
      })();
    } catch (err) {
      throw new PicketError('PICKET_MIGRATION_FAILED', `migration ${m.file} failed and was rolled back: ${(err as Error).message}`, { cause: err });
    }
    done.push(m);
  }
  return done;
}
