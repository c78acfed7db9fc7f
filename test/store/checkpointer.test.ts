import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/store/batch-writer.js';
import { Checkpointer } from '../../src/store/checkpointer.js';
import { openDatabase } from '../../src/store/database.js';
import { tempDir } from '../helpers/temp.js';

const PAGE = 4096;

/**
 * Writes `rows` rows of 4 KB, 16 KB a commit about every millisecond, through a writer gated by the checkpointer (or
 * not), and returns the WAL file's largest size, the rows in the table and the holds.
 */
async function flood(gated: boolean, rows: number, catchUpPasses?: number): Promise<{ walBytes: number; rows: number; holds: number; heldPassFrames: number }> {
  const file = path.join(tempDir(), 'flood.db');
  const db = openDatabase(file);
  db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  const checkpointer = new Checkpointer(file, { intervalMs: 50, restartFrames: 256, catchUpPasses });
  await checkpointer.started;
  const insert = db.prepare('INSERT INTO blobs (body) VALUES (?)');
  const writer = new BatchWriter<Buffer>({
    flush: db.transaction((items: Buffer[]) => void items.forEach((b) => insert.run(b))),
    maxDelayMs: 0,
    gate: gated ? () => checkpointer.writesHeld() : undefined,
  });
  let walBytes = 0;
  let written = 0;
  while (written < rows) {
    const pending = Array.from({ length: 4 }, () => writer.write(Buffer.alloc(4000, written++ % 251)));
    await Promise.all(pending);
    await new Promise((r) => setTimeout(r, 1));
    walBytes = Math.max(walBytes, statSync(`${file}-wal`).size);
  }
  writer.close();
  await checkpointer.stop();
  const stored = db.prepare('SELECT count(*) FROM blobs').pluck().get() as number;
  db.close();
  return { walBytes, rows: stored, holds: checkpointer.holds, heldPassFrames: checkpointer.heldPassFrames };
}

describe('Checkpointer', () => {
  it('holds gated writers for a pass once the WAL is long, so the WAL restarts instead of growing', async () => {
    const gated = await flood(true, 6_000);
    const ungated = await flood(false, 6_000);
    expect(gated.rows).toBe(6_000);
    expect(gated.holds).toBeGreaterThan(0);
    // 24 MB went through a WAL that the thread restarted from its beginning every 256 pages or so.
    expect(gated.walBytes).toBeLessThan(1024 * PAGE);
    // Ungated, most commits land while the thread copies, and the WAL grows between the rare restarts.
    expect(ungated.walBytes).toBeGreaterThan(2 * gated.walBytes);
  }, 20_000);

  it('catches up before it holds writers, so the pass they wait for copies little', async () => {
    const without = await flood(true, 6_000, 0);
    const caughtUp = await flood(true, 6_000);
    expect(caughtUp.rows).toBe(6_000);
    expect(without.holds).toBeGreaterThan(0);
    expect(caughtUp.holds).toBeGreaterThan(0);
    // Without catching up, the held pass copies what was committed during the timed pass (about twice as much here).
    expect(caughtUp.heldPassFrames / caughtUp.holds).toBeLessThan(without.heldPassFrames / without.holds);
  }, 20_000);
});
