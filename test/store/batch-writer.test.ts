import { describe, expect, it, vi } from 'vitest';
import { BatchWriter } from '../../src/store/batch-writer.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BatchWriter', () => {
  it('groups writes that arrive together into one flush and resolves each after it', async () => {
    const batches: number[][] = [];
    const w = new BatchWriter<number>({ flush: (items) => void batches.push(items), maxDelayMs: 20 });
    const done = Promise.all([w.write(1), w.write(2), w.write(3)]);
    expect(batches).toEqual([]);
    await done;
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('flushes as soon as maxItems wait, without waiting for the delay', async () => {
    const batches: number[][] = [];
    const w = new BatchWriter<number>({ flush: (items) => void batches.push(items), maxItems: 3, maxDelayMs: 60_000 });
    for (let i = 0; i < 7; i++) w.push(i);
    // Each full batch is flushed on its own turn of the event loop; on a loaded machine a short timer can fire
    // between the two, so wait for them (far less than the 60 s delay) instead of a fixed few milliseconds.
    await vi.waitFor(() => expect(batches.length).toBeGreaterThanOrEqual(2), { timeout: 2_000, interval: 1 });
    expect(batches.slice(0, 2)).toEqual([[0, 1, 2], [3, 4, 5]]);
    w.close();
    expect(batches[2]).toEqual([6]);
  });

  it('rejects awaited writes of a failed batch but keeps pushed items for the next attempt', async () => {
    let fail = true;
    const flushed: string[] = [];
    const errors: unknown[] = [];
    const w = new BatchWriter<string>({
      flush: (items) => {
        if (fail) throw new Error('disk I/O error');
        flushed.push(...items);
      },
      maxDelayMs: 5,
      retryDelayMs: 5,
      onError: (err) => errors.push(err),
    });
    w.push('probe-1');
    const acked = w.write('webhook-1');
    await expect(acked).rejects.toThrow('disk I/O error');
    expect(w.pending).toBe(1);
    fail = false;
    await tick(30);
    expect(flushed).toEqual(['probe-1']);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('writes the rest of a batch one by one when one item cannot be stored, failing or dropping only that one', async () => {
    const flushed: string[] = [];
    const w = new BatchWriter<string>({
      flush: (items) => {
        if (items.some((i) => i.startsWith('poison'))) throw new Error('Too few parameter values were provided');
        flushed.push(...items);
      },
      maxDelayMs: 5,
      onError: () => undefined,
    });
    w.push('probe-1');
    w.push('poison-pushed');
    const answers = await Promise.allSettled([w.write('a'), w.write('poison-awaited'), w.write('b')]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(flushed).toEqual(['probe-1', 'a', 'b']);
    // The pushed item the store refuses on its own is dropped and counted, not retried forever.
    expect(w.pending).toBe(0);
    expect(w.stats.dropped).toBe(1);
  });

  it('bounds what it keeps during an outage and counts what it drops', () => {
    const w = new BatchWriter<number>({
      flush: () => {
        throw new Error('readonly database');
      },
      maxItems: 10,
      maxRetained: 25,
      maxDelayMs: 60_000,
    });
    for (let i = 0; i < 40; i++) w.push(i);
    expect(() => w.flushNow()).toThrow('readonly database');
    expect(w.pending).toBe(25);
    expect(w.stats.dropped).toBe(15);
  });

  it('refuses writes after close', async () => {
    const w = new BatchWriter<number>({ flush: () => undefined });
    w.close();
    await expect(w.write(1)).rejects.toThrow('closed');
  });
});

describe('BatchWriter results', () => {
  it('resolves each write with its own result from the flush', async () => {
    const w = new BatchWriter<string, number>({ flush: (items) => items.map((s) => s.length), maxDelayMs: 5 });
    expect(await Promise.all([w.write('a'), w.write('abc'), w.write('ab')])).toEqual([1, 3, 2]);
  });

  it('holds batches while the gate holds, keeps queueing, and flushes them once it opens; close does not wait', async () => {
    const batches: number[][] = [];
    let open!: () => void;
    let held: Promise<void> | undefined = new Promise<void>((r) => (open = r));
    const w = new BatchWriter<number>({ flush: (items) => void batches.push(items), maxDelayMs: 0, gate: () => held });
    const first = w.write(1);
    await tick(20);
    w.push(2);
    await tick(20);
    expect(batches).toEqual([]);
    expect(w.pending).toBe(2);
    held = undefined;
    open();
    await first;
    expect(batches).toEqual([[1, 2]]);

    held = new Promise<void>(() => undefined);
    w.push(3);
    await tick(20);
    expect(batches).toHaveLength(1);
    w.close();
    expect(batches).toEqual([[1, 2], [3]]);
  });
});
