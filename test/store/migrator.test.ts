import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { migrate, readMigrations } from '../../src/store/migrator.js';
import { Store } from '../../src/store/store.js';
import { tempDir, writeTree } from '../helpers/temp.js';

const tables = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]);

describe('migrations', () => {
  it('creates the schema on a fresh database with WAL and foreign keys on', () => {
    const file = path.join(tempDir(), 'sub', 'dir', 'picket.db');
    const applied = Store.migrate(file);
    expect(applied.map((m) => m.file)).toEqual(readMigrations().map((m) => m.file));
    const db = openDatabase(file);
    expect(tables(db)).toEqual(
      expect.arrayContaining(['checks', 'probe_results', 'probe_rollups', 'external_events', 'webhook_deliveries', 'telemetry_minutes', 'incidents', 'incident_events', 'outbox', 'silences', 'schema_migrations']),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(applied.length);
    db.close();
  });

  it('does nothing on an already-migrated database', () => {
    const file = path.join(tempDir(), 'picket.db');
    Store.migrate(file);
    const db = openDatabase(file);
    const before = db.prepare('SELECT * FROM schema_migrations').all();
    db.close();
    expect(Store.migrate(file)).toEqual([]);
    const after = openDatabase(file);
    expect(after.prepare('SELECT * FROM schema_migrations').all()).toEqual(before);
    after.close();
  });

  it('rolls back a failing migration, names its file and leaves earlier ones applied', () => {
    const dir = writeTree(tempDir(), {
      '0001_first.sql': 'CREATE TABLE a (x INTEGER);',
      '0002_broken.sql': 'CREATE TABLE b (x INTEGER);\nINSERT INTO a VALUES (1);\nCREATE TABLE c (x INTEGER REFERENCES nowhere(y), ;',
    });
    const db = openDatabase(path.join(dir, 'test.db'));
    expect(() => migrate(db, readMigrations(dir))).toThrow(/migration 0002_broken\.sql failed and was rolled back/);
    expect(tables(db)).toContain('a');
    expect(tables(db)).not.toContain('b');
    expect(db.prepare('SELECT count(*) FROM a').pluck().get()).toBe(0);
    expect(db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual([1]);

    writeFileSync(path.join(dir, '0002_broken.sql'), 'CREATE TABLE b (x INTEGER);');
    expect(migrate(db, readMigrations(dir)).map((m) => m.file)).toEqual(['0002_broken.sql']);
    expect(tables(db)).toContain('b');
    db.close();
  });

  it('refuses a migration that was edited after it was applied', () => {
    const dir = writeTree(tempDir(), { '0001_first.sql': 'CREATE TABLE a (x INTEGER);' });
    const db = openDatabase(path.join(dir, 'test.db'));
    migrate(db, readMigrations(dir));
    writeFileSync(path.join(dir, '0001_first.sql'), 'CREATE TABLE a (x INTEGER, y TEXT);');
    expect(() => migrate(db, readMigrations(dir))).toThrow(expect.objectContaining({ code: 'PICKET_MIGRATION_CHANGED' }));
    db.close();
  });

  it('refuses a database migrated by a newer picket', () => {
    const dir = writeTree(tempDir(), { '0001_first.sql': 'CREATE TABLE a (x INTEGER);', '0002_second.sql': 'CREATE TABLE b (x INTEGER);' });
    const db = openDatabase(path.join(dir, 'test.db'));
    migrate(db, readMigrations(dir));
    expect(() => migrate(db, readMigrations(dir).slice(0, 1))).toThrow(/migration 2 \(second\) that this picket does not know/);
    db.close();
  });

  it("moves an older database's active signals out of each incident's detail into rows of their own, in order", async () => {
    const file = path.join(tempDir(), 'picket.db');
    const db = openDatabase(file);
    const older = readMigrations().filter((m) => m.version < 3);
    migrate(db, older);
    const active = {
      'credential-stuffing|ip:203.0.113.9': { detector: 'credential-stuffing', key: 'ip:203.0.113.9', family: 'auth', class: 'attack.credential_stuffing', severity: 'warning', summary: 'stuffing from 203.0.113.9', ts: 2_000 },
      'error-rate|auth:auth': { detector: 'error-rate', key: 'auth:auth', family: 'errors', class: 'attack.suspected', severity: 'critical', summary: '401 spike', ts: 1_000 },
    };
    const detail = { active, families: ['auth', 'errors'], classes: ['attack.credential_stuffing', 'attack.suspected'], signalSeverity: 'critical', takeover: false, persisted: false, timelineSignals: 2 };
    for (const [key, d] of [['auth|attack', detail], ['orders|outage', { ...detail, active: {} }]] as const) {
      db.prepare(`INSERT INTO incidents (key, service, class, severity, state, summary, detail, opened_at, updated_at, last_signal_at)
        VALUES (?, 'auth', 'attack.credential_stuffing', 'critical', 'open', 'stuffing', ?, 1000, 2000, 2000)`).run(key, JSON.stringify(d));
    }
    db.close();

    const store = Store.open(file);
    const [attack, outage] = store.incidents.loadOpen();
    expect(attack!.detail).toEqual(detail);
    expect(Object.keys(attack!.detail.active)).toEqual(Object.keys(active));
    expect(outage!.detail.active).toEqual({});
    const { active: _moved, ...kept } = detail;
    expect(store.db.prepare('SELECT detail FROM incidents ORDER BY id').pluck().all().map((d) => JSON.parse(d as string))).toEqual([kept, kept]);
    await store.close();
  });

  it('rejects badly named files and shared numbers', () => {
    expect(() => readMigrations(writeTree(tempDir(), { 'init.sql': '' }))).toThrow(/not named NNNN_name\.sql/);
    expect(() => readMigrations(writeTree(tempDir(), { '0001_a.sql': '', '001_b.sql': '' }))).toThrow(/share a number/);
  });

  it('Store.open refuses to start on a failing migration', () => {
    const file = path.join(tempDir(), 'picket.db');
    const db = openDatabase(file);
    // A table the first migration creates already exists: 0001 must fail as a whole.
    db.exec('CREATE TABLE checks (x INTEGER)');
    db.close();
    expect(() => Store.open(file)).toThrow(/migration 0001_init\.sql failed and was rolled back/);
  });
});
