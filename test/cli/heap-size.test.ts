import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HEAP_SIZE = fileURLToPath(new URL('../../dist/cli/heap-size.js', import.meta.url));

/** Young-generation size in MB after a second of allocation with a steady live set, as probing does. */
function youngGenerationAfterLoad(args: string[]): number {
  const script = `
    import v8 from 'node:v8';
    const { sizeHeapFor } = await import(${JSON.stringify(HEAP_SIZE)});
    sizeHeapFor(${JSON.stringify(args)});
    const live = [];
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      live.push(Array.from({ length: 1000 }, (_, i) => ({ i, s: 'x' + i })));
      if (live.length > 50) live.shift();
    }
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(young.space_size / 1048576));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

describe('sizeHeapFor', () => {
  it('keeps the young generation at its initial size for the long-running commands', () => {
    expect(youngGenerationAfterLoad(['--log-level', 'warn', 'start', '--config', 'picket.yaml'])).toBeLessThanOrEqual(2);
    expect(youngGenerationAfterLoad(['demo'])).toBeLessThanOrEqual(2);
  });

  it("leaves V8's defaults to one-shot commands", () => {
    expect(youngGenerationAfterLoad(['replay', 'traffic.ndjson'])).toBeGreaterThan(2);
  });
});
