import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HeapSizing } from '../../src/cli/heap-size.js';

const HEAP_SIZE = fileURLToPath(new URL('../../dist/cli/heap-size.js', import.meta.url));

/**
 * Young-generation size in MB after two seconds of work that keeps a steady set of objects alive, as probing does:
 * allocation for `busyMs` out of every 20 ms, the event loop free for the rest; 19 ms of every 20 until `burstUntilMs`.
 */
function youngGenerationAfter(args: string[], busyMs: number, opts: { workerThread?: boolean; burstUntilMs?: number } = {}): number {
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    const { sizeHeapFor } = await import(${JSON.stringify(HEAP_SIZE)});
    sizeHeapFor(${JSON.stringify(args)}, { checkEveryMs: 100, startUpMs: 300, busyCpuShare: 0.5 });
    if (${opts.workerThread === true}) {
      const thread = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((resolve) => thread.once('online', resolve));
      thread.unref();
    }
    const live = [];
    const started = Date.now();
    const end = started + 2000;
    const work = () => {
      const busy = Date.now() < started + ${opts.burstUntilMs ?? 0} ? 19 : ${busyMs};
      const until = Date.now() + busy;
      while (Date.now() < until) {
        live.push(Array.from({ length: 1000 }, (_, i) => ({ i, s: 'x' + i })));
        if (live.length > 50) live.shift();
      }
      if (Date.now() < end) setTimeout(work, 20 - busy);
      else {
        const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
        process.stdout.write(String(young.space_size / 1048576));
      }
    };
    work();`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('sizeHeapFor', () => {
  // Busy is half a core here, not 70 %: the suite runs beside other tests, which may leave the heavy load less than a core.
  it('keeps the young generation at its initial size while a long-running command is lightly loaded', () => {
    expect(youngGenerationAfter(['--log-level', 'warn', 'start', '--config', 'picket.yaml'], 1)).toBeLessThanOrEqual(2);
    expect(youngGenerationAfter(['demo'], 1)).toBeLessThanOrEqual(2);
  });

  it('keeps it lean after a worker thread has started (a starting thread resets V8 flags)', () => {
    expect(youngGenerationAfter(['start'], 1, { workerThread: true })).toBeLessThanOrEqual(2);
  });

  it('keeps it lean through a burst shorter than the looks it takes to call the load heavy (start-up warming up)', () => {
    // Looking starts at 300 ms, every 100 ms: the burst makes two looks busy, and four in a row are needed.
    expect(youngGenerationAfter(['start'], 1, { burstUntilMs: 520 })).toBeLessThanOrEqual(2);
  });

  it('lets it grow under heavy load', () => {
    expect(youngGenerationAfter(['start'], 19)).toBeGreaterThan(2);
  });

  it("leaves V8's defaults to one-shot commands", () => {
    expect(youngGenerationAfter(['replay', 'traffic.ndjson'], 1)).toBeGreaterThan(2);
  });
});

describe('HeapSizing', () => {
  /** The mode after each step of looks, a step being [heavy or not, how many looks in a row]. */
  const modesAfter = (steps: [heavy: boolean, looks: number][]) => {
    const sizing = new HeapSizing();
    return steps.map(([heavy, n]) => Array.from({ length: n }, () => sizing.look(heavy)).at(-1));
  };

  it('calls the load heavy after four heavy looks in a row, not after three or after four broken by a light one', () => {
    expect(modesAfter([[true, 3], [false, 1], [true, 3], [true, 1]])).toEqual(['lean', 'lean', 'lean', 'busy']);
  });

  it('stays busy through a pause of up to 59 light looks (a flood in waves), and is lean after 60', () => {
    expect(modesAfter([[true, 4], [false, 59], [true, 1], [false, 59], [false, 1]])).toEqual(['busy', 'busy', 'busy', 'busy', 'lean']);
  });

  it('needs four heavy looks in a row again once lean', () => {
    expect(modesAfter([[true, 4], [false, 60], [true, 3], [true, 1]])).toEqual(['busy', 'lean', 'lean', 'busy']);
  });
});
