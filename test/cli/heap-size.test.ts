import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP_SIZE = fileURLToPath(new URL('../../dist/cli/heap-size.js', import.meta.url));

/**
 * Young-generation size in MB after two seconds of work that keeps a steady set of objects alive, as probing does:
 * allocation for `busyMs` out of every 20 ms, the event loop free for the rest.
 */
function youngGenerationAfter(args: string[], busyMs: number): number {
  const script = `
    import v8 from 'node:v8';
    const { sizeHeapFor } = await import(${JSON.stringify(HEAP_SIZE)});
    sizeHeapFor(${JSON.stringify(args)}, { checkEveryMs: 100, startUpMs: 0 });
    const live = [];
    const end = Date.now() + 2000;
    const work = () => {
      const until = Date.now() + ${busyMs};
      while (Date.now() < until) {
        live.push(Array.from({ length: 1000 }, (_, i) => ({ i, s: 'x' + i })));
        if (live.length > 50) live.shift();
      }
      if (Date.now() < end) setTimeout(work, ${20 - busyMs});
      else {
        const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
        process.stdout.write(String(young.space_size / 1048576));
      }
    };
    work();`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('sizeHeapFor', () => {
  // Light load is kept well below the busy share: the suite runs beside other tests, which stretch every busy turn.
  it('keeps the young generation at its initial size while a long-running command is lightly loaded', () => {
    expect(youngGenerationAfter(['--log-level', 'warn', 'start', '--config', 'picket.yaml'], 3)).toBeLessThanOrEqual(2);
    expect(youngGenerationAfter(['demo'], 3)).toBeLessThanOrEqual(2);
  });

  it('lets it grow under heavy load', () => {
    expect(youngGenerationAfter(['start'], 18)).toBeGreaterThan(2);
  });

  it("leaves V8's defaults to one-shot commands", () => {
    expect(youngGenerationAfter(['replay', 'traffic.ndjson'], 3)).toBeGreaterThan(2);
  });
});
