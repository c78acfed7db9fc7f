import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { startServer } from '../helpers/servers.js';
import { tempDir, writeTree } from '../helpers/temp.js';

describe('picket start', () => {
  it('probes the configured checks, applies check changes on SIGHUP, and keeps running on a broken reload', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    const check = (id: string) => `- { id: ${id}, service: auth, kind: http, url: "${server.url}/${id}", interval: 1s }\n`;
    const dir = writeTree(tempDir(), { 'picket.yaml': 'server: { port: 0 }\nstorage: { path: ./picket.db }\nservices:\n  auth: {}\n', 'checks/a.yaml': check('first') });
    const picket = spawnCli(['start', '--log-level', 'debug'], { cwd: dir });
    await picket.waitFor(/"checks":1,"msg":"scheduler running"/);
    await picket.waitFor(/picket started/);

    writeFileSync(path.join(dir, 'checks', 'b.yaml'), check('second'));
    picket.child.kill('SIGHUP');
    await picket.waitFor(/"checks":2,"msg":"configuration reloaded"/);
    const seen = () => new Set(server.requests.map((r) => r.url));
    for (let i = 0; i < 50 && seen().size < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen(), picket.output).toEqual(new Set(['/first', '/second']));
    // The writer commits within a quarter second; wait for the new check's first stored run.
    const stored = () => {
      const db = new Database(path.join(dir, 'picket.db'), { readonly: true });
      try {
        return db.prepare("SELECT count(*) FROM probe_results r JOIN checks c ON c.key = r.check_key WHERE c.id = 'second'").pluck().get() as number;
      } finally {
        db.close();
      }
    };
    for (let i = 0; i < 50 && stored() === 0; i++) await new Promise((r) => setTimeout(r, 100));

    writeFileSync(path.join(dir, 'checks', 'b.yaml'), '- { id: second, kind: nope }\n');
    picket.child.kill('SIGHUP');
    await picket.waitFor(/reload refused: configuration has errors/);

    picket.child.kill('SIGTERM');
    const r = await picket.done;
    expect(r.code).toBe(0);
    const db = new Database(path.join(dir, 'picket.db'), { readonly: true });
    const rows = db.prepare('SELECT c.id, count(r.ts) AS runs FROM checks c LEFT JOIN probe_results r ON r.check_key = c.key GROUP BY c.id ORDER BY c.id').all() as { id: string; runs: number }[];
    db.close();
    expect(rows.map((row) => row.id)).toEqual(['first', 'second']);
    expect(rows.every((row) => row.runs >= 1)).toBe(true);
  });
});
