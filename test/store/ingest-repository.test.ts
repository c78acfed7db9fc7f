import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/database.js';
import { bodyHash, DELIVERY_BY_BODY, type DeliveryRecord } from '../../src/store/ingest-repository.js';
import { migrate, readMigrations } from '../../src/store/migrator.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 23, 12);

function delivery(source: string, body: string, receivedAt: number): DeliveryRecord {
  const rawBody = Buffer.from(body);
  return { source, bodyHash: bodyHash(rawBody), contentType: 'application/json', rawBody, receivedAt, events: [] };
}

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function openStore(file = path.join(tempDir(), 'picket.db')): Store {
  const store = Store.open(file);
  stores.push(store);
  return store;
}

describe('IngestRepository dedup by body', () => {
  it('answers the same body from the same source within 24 h with the first id', () => {
    const { ingest } = openStore();
    const [first] = ingest.writeDeliveries([delivery('lagnis', '{"a":1}', T0)]);
    const [again] = ingest.writeDeliveries([delivery('lagnis', '{"a":1}', T0 + 23 * HOUR)]);
    expect(first!.duplicate).toBe(false);
    expect(again).toEqual({ id: first!.id, duplicate: true, stored: [] });
  });

  it('stores the same body from another source, and one that comes back after 24 h', () => {
    const { ingest } = openStore();
    const [first] = ingest.writeDeliveries([delivery('lagnis', '{"a":1}', T0)]);
    const [other] = ingest.writeDeliveries([delivery('kuma', '{"a":1}', T0 + HOUR)]);
    const [later] = ingest.writeDeliveries([delivery('lagnis', '{"a":1}', T0 + 25 * HOUR)]);
    expect(other!.duplicate).toBe(false);
    expect(later!.duplicate).toBe(false);
    expect(new Set([first!.id, other!.id, later!.id]).size).toBe(3);
    // The copy stored after 24 h is now the one within the window.
    expect(ingest.writeDeliveries([delivery('lagnis', '{"a":1}', T0 + 26 * HOUR)])[0]).toMatchObject({ id: later!.id, duplicate: true });
  });

  it('finds a delivery by its body hash through the index, not by reading every delivery', () => {
    const { db } = openStore();
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${DELIVERY_BY_BODY}`).all('lagnis', Buffer.alloc(16), 0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('; ')).toMatch(/USING INDEX webhook_deliveries_body \(body_hash=\?\)/);
  });

  it('still finds a delivery stored before the body index replaced the (source, hash, time) one', () => {
    const file = path.join(tempDir(), 'picket.db');
    const older = openDatabase(file);
    migrate(older, readMigrations().filter((m) => m.version < 4));
    const d = delivery('lagnis', '{"before":"migration"}', T0);
    const id = Number(
      older
        .prepare('INSERT INTO webhook_deliveries (source, body_hash, content_type, raw_body, received_at) VALUES (?, ?, ?, ?, ?)')
        .run(d.source, d.bodyHash, d.contentType, d.rawBody, d.receivedAt).lastInsertRowid,
    );
    older.close();

    const { ingest, db } = openStore(file);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'webhook_deliveries' ORDER BY name").pluck().all()).toEqual([
      'webhook_deliveries_body',
      'webhook_deliveries_key',
    ]);
    expect(ingest.writeDeliveries([{ ...d, receivedAt: T0 + HOUR }])[0]).toEqual({ id, duplicate: true, stored: [] });
  });
});
