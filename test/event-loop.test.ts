import { describe, expect, it } from 'vitest';
import { mapInTurns, OnePerTurn, textInTurns, TurnQueue } from '../src/event-loop.js';
import { turnRecorder } from './helpers/turns.js';

describe('TurnQueue', () => {
  it('does the work of several callers in arrival order, at most perTurn items per turn in all', async () => {
    const r = turnRecorder();
    const queue = new TurnQueue<number>((n) => r.note(n), { perTurn: 3 });
    await Promise.all([queue.run([1, 2, 3, 4, 5]), queue.run([6, 7, 8]), queue.run([])]);
    expect(r.seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.perTurn).toEqual([3, 3, 2]);
  });

  it('resolves a caller only once all its items are done', async () => {
    const r = turnRecorder();
    const queue = new TurnQueue<number>((n) => r.note(n), { perTurn: 2 });
    let done = false;
    const run = queue.run([1, 2, 3]).then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.seen).toEqual([1, 2]);
    expect(done).toBe(false);
    await run;
    expect(r.seen).toEqual([1, 2, 3]);
  });

  /** Keeps the thread busy for `ms`, as a slow item does. */
  const busyFor = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  it('ends a turn once it has taken turnMs, however few items it has done', async () => {
    const r = turnRecorder();
    // Slow items (code still cold, a busy machine): each takes at least 4 ms, so a 10 ms budget ends a turn by the third
    // (sooner when the machine stalls the process).
    const slow = new TurnQueue<number>((n) => (busyFor(4), r.note(n)), { perTurn: 100, turnMs: 10 });
    await slow.run([1, 2, 3, 4, 5, 6, 7]);
    expect(r.seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.perTurn.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...r.perTurn)).toBeLessThanOrEqual(3);
  });

  it('does at least one item a turn, even one that takes longer than turnMs', async () => {
    const r = turnRecorder();
    const queue = new TurnQueue<number>((n) => (busyFor(3), r.note(n)), { perTurn: 100, turnMs: 1 });
    await queue.run([1, 2, 3]);
    expect(r.perTurn).toEqual([1, 1, 1]);
  });

  it("fails only the caller whose item threw, and goes on with the others' work", async () => {
    const r = turnRecorder();
    const queue = new TurnQueue<number>((n) => {
      if (n === 2) throw new Error('bad item');
      r.note(n);
    }, { perTurn: 10 });
    const results = await Promise.allSettled([queue.run([1, 2, 3]), queue.run([4, 5])]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: new Error('bad item') });
    expect(results[1]).toMatchObject({ status: 'fulfilled' });
    expect(r.seen).toEqual([1, 4, 5]);
  });
});

describe('OnePerTurn', () => {
  it("runs the jobs of several callers one per turn, in arrival order, each caller getting its job's result", async () => {
    const r = turnRecorder();
    const jobs = new OnePerTurn();
    const results = await Promise.all([1, 2, 3].map((n) => jobs.run(() => (r.note(n), n * 10))));
    expect(results).toEqual([10, 20, 30]);
    expect(r.seen).toEqual([1, 2, 3]);
    expect(r.perTurn).toEqual([1, 1, 1]);
  });

  it('rejects only the caller whose job threw', async () => {
    const jobs = new OnePerTurn();
    const results = await Promise.allSettled([
      jobs.run(() => {
        throw new Error('bad batch');
      }),
      jobs.run(() => 'ok'),
    ]);
    expect(results[0]).toMatchObject({ status: 'rejected', reason: new Error('bad batch') });
    expect(results[1]).toEqual({ status: 'fulfilled', value: 'ok' });
  });
});

describe('mapInTurns', () => {
  it('maps every item, perTurn items per turn', async () => {
    const r = turnRecorder();
    expect(await mapInTurns([1, 2, 3, 4, 5], (n) => (r.note(n), n * 2), 2)).toEqual([2, 4, 6, 8, 10]);
    expect(r.perTurn).toEqual([2, 2, 1]);
  });
});

describe('textInTurns', () => {
  it('writes perTurn items a part, one part per turn, joined and led by the separator', async () => {
    const r = turnRecorder();
    const parts: string[] = [];
    for await (const part of textInTurns([1, 2, 3, 4, 5], (n) => (r.note(n), `"${n}"`), 2, ',')) parts.push(part);
    expect(parts).toEqual(['"1","2"', ',"3","4"', ',"5"']);
    expect(`[${parts.join('')}]`).toBe('["1","2","3","4","5"]');
    expect(r.perTurn).toEqual([2, 2, 1]);
  });

  it('writes nothing for no items', async () => {
    const parts: string[] = [];
    for await (const part of textInTurns([], String, 2)) parts.push(part);
    expect(parts).toEqual([]);
  });
});
