import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { mergeEncoded } from './histogram.js';

export type Db = Database.Database;

/**
 * Opens (creating it and its folder) a SQLite database the way picket needs it: WAL so readers never wait
 * for the writer, synchronous=NORMAL (durable at each checkpoint, safe against corruption), a busy timeout
 * for the CLI writing beside a running process, and foreign keys enforced.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -16000');
  // Checkpoints run on a worker thread (Checkpointer); this only catches a WAL that grew because it stopped.
  db.pragma('wal_autocheckpoint = 25000');
  db.function('hist_merge', { deterministic: true }, (a: unknown, b: unknown) =>
    mergeEncoded(a as Uint8Array | null, b as Uint8Array | null),
  );
  return db;
}
