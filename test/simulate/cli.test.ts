import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('picket simulate', () => {
  it('lists the scenarios', async () => {
    const r = await runCli(['simulate', '--list']);
    expect(r.code).toBe(0);
    for (const name of ['benign-week', 'idp-outage', 'credential-stuffing', 'password-spray', 'brute-force', 'low-and-slow', 'scraper', 'exfiltration', 'dos', 'hard-outage', 'attack-during-outage']) {
      expect(r.stdout).toMatch(new RegExp(`^${name} `, 'm'));
    }
  });

  it('writes a labeled scenario that replays to the labeled incident, the same for the same seed', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'brute.ndjson');
    const w = await runCli(['simulate', '--scenario', 'brute-force', '--seed', '7', '--out', out], { timeoutMs: 120_000 });
    expect(w.code, w.stderr).toBe(0);
    const labels = JSON.parse(readFileSync(`${out}.labels.json`, 'utf8')) as { class: string; start: string }[];
    expect(labels).toEqual([expect.objectContaining({ class: 'attack.brute_force', service: 'auth' })]);
    expect(existsSync(path.join(`${out}.config`, 'picket.yaml'))).toBe(true);
    const r = await runCli(['replay', out, '--config', path.join(`${out}.config`, 'picket.yaml'), '--json'], { timeoutMs: 120_000 });
    const incidents = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { class: string; severity: string });
    expect(incidents.filter((i) => i.severity !== 'info').map((i) => i.class)).toEqual(['attack.brute_force']);
    const again = path.join(dir, 'again.ndjson');
    await runCli(['simulate', '--scenario', 'brute-force', '--seed', '7', '--out', again], { timeoutMs: 120_000 });
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('refuses an unknown scenario', async () => {
    const r = await runCli(['simulate', '--scenario', 'nope', '--out', path.join(tempDir(), 'x.ndjson')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no scenario "nope"/);
  });
});
