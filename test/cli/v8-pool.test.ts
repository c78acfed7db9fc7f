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
  it('logs the advice once, before it starts', async () => {
    const output = await startPinned({});
    expect(output.match(/--v8-pool-size=0 to size them/g)).toHaveLength(1);
    expect(output.indexOf('--v8-pool-size=0')).toBeLessThan(output.indexOf('picket started'));
    expect(output).toContain('"cores":1');
  });

  it('does not when NODE_OPTIONS sizes the pool', async () => {
    const output = await startPinned({ NODE_OPTIONS: '--v8-pool-size=0' });
    expect(output).toContain('picket started');
    expect(output).not.toContain('v8-pool-size');
  });
});
