import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { v8PoolAdvice } from '../../src/cli/v8-pool.js';
import { spawnCli } from '../helpers/cli.js';
import { tempDir, writeTree } from '../helpers/temp.js';

describe('v8PoolAdvice', () => {
  it('advises sizing the pool on one core, whatever other options node has', () => {
    expect(v8PoolAdvice(1, [])).toMatch(/4 background threads on 1 core, .*NODE_OPTIONS=--v8-pool-size=0/);
    expect(v8PoolAdvice(1, ['--enable-source-maps'], '--max-old-space-size=512')).toMatch(/on 1 core/);
  });

  it('says nothing once the pool is sized, on the command line or in NODE_OPTIONS, or with more cores', () => {
    expect(v8PoolAdvice(1, ['--v8-pool-size=0'])).toBeUndefined();
    expect(v8PoolAdvice(1, [], '--max-old-space-size=512 --v8-pool-size=1')).toBeUndefined();
    expect(v8PoolAdvice(2, [])).toBeUndefined();
    expect(v8PoolAdvice(8, [])).toBeUndefined();
  });
});

const V8_POOL = fileURLToPath(new URL('../../dist/cli/v8-pool.js', import.meta.url));

/** Each thread's niceness in a fresh node process after `lowerHelperThreads(cores)`, the main thread's first. */
function nicenessAfter(cores: number): { lowered: number; main: number; others: number[] } {
  const script = `
    import { readdirSync } from 'node:fs';
    import os from 'node:os';
    const { lowerHelperThreads } = await import(${JSON.stringify(V8_POOL)});
    const lowered = lowerHelperThreads(${cores});
    const others = readdirSync('/proc/self/task').map(Number).filter((t) => t !== process.pid).map((t) => os.getPriority(t));
    process.stdout.write(JSON.stringify({ lowered, main: os.getPriority(process.pid), others }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as { lowered: number; main: number; others: number[] };
}

describe.runIf(process.platform === 'linux')('lowerHelperThreads', () => {
  it('on one core, lowers every thread but the event loop, V8 and libuv pools included', () => {
    const r = nicenessAfter(1);
    // V8's four pool threads at least.
    expect(r.others.length).toBeGreaterThanOrEqual(4);
    expect(r.lowered).toBe(r.others.length);
    expect(r.others.every((nice) => nice === 10)).toBe(true);
    expect(r.main).toBe(0);
  });

  it('leaves every thread as it is with more cores', () => {
    const r = nicenessAfter(2);
    expect(r.lowered).toBe(0);
    expect(r.others.every((nice) => nice === 0)).toBe(true);
  });
});

/** Everything `picket start`, pinned to one core, logged from its start until it stopped on SIGTERM. */
async function startPinned(env: NodeJS.ProcessEnv): Promise<string> {
  const dir = writeTree(tempDir(), { 'picket.yaml': 'server: { port: 0 }\nstorage: { path: ./picket.db }\n' });
  const picket = spawnCli(['start'], { cwd: dir, env, prefix: ['taskset', '-c', '0'] });
  await picket.waitFor(/picket started/);
  picket.child.kill('SIGTERM');
  await picket.done;
  return picket.output;
}

describe('picket start on one core', () => {
  it('logs the advice once, before it starts, and lowers its background threads', async () => {
    const output = await startPinned({});
    expect(output.match(/--v8-pool-size=0 to size them/g)).toHaveLength(1);
    expect(output).toMatch(/"threads":\d+.*the event loop runs before V8 and Node background threads/);
    expect(output.indexOf('--v8-pool-size=0')).toBeLessThan(output.indexOf('picket started'));
    expect(output).toContain('"cores":1');
  });

  it('does not when NODE_OPTIONS sizes the pool', async () => {
    const output = await startPinned({ NODE_OPTIONS: '--v8-pool-size=0' });
    expect(output).toContain('picket started');
    expect(output).not.toContain('v8-pool-size');
  });
});
