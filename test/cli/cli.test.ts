import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CLI, runCli, spawnCli } from '../helpers/cli.js';
import { tempDir, writeTree } from '../helpers/temp.js';

describe('picket CLI', () => {
  it('validate prints one file:line: line per mistake and exits 1', async () => {
    const dir = writeTree(tempDir(), {
      'picket.yaml': 'server:\n  port: 8787\n  hots: 127.0.0.1\nservices:\n  auth: {}\n',
      'checks/auth.yaml': '- id: a\n  service: auth\n  kind: http\n  url: http://127.0.0.1:1/\n  interval: 5 seconds\n  kind2: x\n',
    });
    const r = await runCli(['validate', '--config', 'picket.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => /^\S+:\d+: /.test(l));
    expect(lines).toEqual([
      'checks/auth.yaml:5: checks[0].interval: expected a duration such as 500ms, 5s, 10m, 1h, 7d, got "5 seconds"',
      'checks/auth.yaml:6: checks[0].kind2: unknown key (misspelled? unknown keys are not ignored)',
      'picket.yaml:3: server.hots: unknown key (misspelled? unknown keys are not ignored)',
    ]);
  });

  it('validate exits 0 on a good config', async () => {
    const dir = writeTree(tempDir(), {
      'picket.yaml': 'services:\n  auth: {}\n',
      'checks/auth.yaml': '- id: a\n  service: auth\n  kind: http\n  url: http://127.0.0.1:1/\n',
    });
    const r = await runCli(['validate'], { cwd: dir });
    expect(r.stdout).toContain('ok (1 check, 1 service, 0 sources, 0 channels)');
    expect(r.code).toBe(0);
  });

  it('migrate twice on a new path: the second run changes nothing', async () => {
    const db = path.join(tempDir(), 'new', 'picket.db');
    const first = await runCli(['migrate', '--db', db]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 0001_init.sql');
    const second = await runCli(['migrate', '--db', db]);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe(`${db}: up to date`);
  });

  it('schema prints valid JSON Schema', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as Record<string, unknown>;
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate({ server: { port: 8787 } })).toBe(true);
    expect(validate({ server: { prot: 8787 } })).toBe(false);
    const out = tempDir();
    await runCli(['schema', '--out', out]);
    expect(existsSync(path.join(out, 'picket.schema.json')) && existsSync(path.join(out, 'checks.schema.json'))).toBe(true);
  });

  it('ends quietly when the reader of its output stops early', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" schema | head -c 10`], { encoding: 'utf8' });
    expect(r.stdout).toHaveLength(10);
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
  });

  it('start refuses to run on an invalid config, with file:line errors on stderr', async () => {
    const dir = writeTree(tempDir(), { 'picket.yaml': 'storage: { path: ./x.db, retention: { raw: soon } }\n' });
    const r = await runCli(['start'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('picket.yaml:1: storage.retention.raw: expected a duration');
  });

  it('start exits 0 within 2 s of SIGTERM, and of SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const dir = writeTree(tempDir(), { 'picket.yaml': 'server: { port: 0 }\nstorage: { path: ./data/picket.db }\n' });
      const picket = spawnCli(['start'], { cwd: dir });
      await picket.waitFor(/picket started/);
      const sent = Date.now();
      picket.child.kill(signal);
      const r = await picket.done;
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(Date.now() - sent).toBeLessThan(2_000);
      expect(existsSync(path.join(dir, 'data', 'picket.db'))).toBe(true);
    }
  });
});
