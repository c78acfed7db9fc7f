import Database from 'better-sqlite3';
import { spawnCli, type CliProcess } from './cli.js';

/** A `picket start` child process on a config in `dir`, with the URL it listens on. */
export interface PicketProcess {
  proc: CliProcess;
  url: string;
}

/** Starts `picket start` in `dir` (picket.yaml there) and waits until it serves. */
export async function startPicketProcess(dir: string, env: NodeJS.ProcessEnv = {}, logLevel = 'info'): Promise<PicketProcess> {
  const proc = spawnCli(['start', '--log-level', logLevel], { cwd: dir, env, timeoutMs: 120_000 });
  const line = await proc.waitFor(/"url":"http:\/\/127\.0\.0\.1:\d+","msg":"listening"/, 20_000);
  await proc.waitFor(/picket started/, 20_000);
  return { proc, url: /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0] };
}

/** kill -9: no handler runs, nothing is flushed. */
export async function killHard(p: PicketProcess): Promise<void> {
  p.proc.child.kill('SIGKILL');
  await p.proc.done;
}

/** Runs `fn` on the database file, read-only, closing it after. */
export function readDb<T>(file: string, fn: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
