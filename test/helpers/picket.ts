import { afterAll } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { formatIssue } from '../../src/config/issues.js';
import { createLogger } from '../../src/log.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/runtime.js';
import { tempDir, writeTree } from './temp.js';

export interface TestPicket {
  runtime: Runtime;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A real picket (store file, HTTP server on a free port, scheduler) in this process, from config text.
 * `storage.path` and `server.port` are filled in unless the text sets them.
 */
export async function startPicket(
  yaml: string,
  opts: { env?: NodeJS.ProcessEnv; files?: Record<string, string>; runtime?: Partial<RuntimeOptions> } = {},
): Promise<TestPicket> {
  const dir = writeTree(tempDir(), { 'picket.yaml': withDefaults(yaml), ...opts.files });
  const loaded = loadConfig('picket.yaml', { cwd: dir, env: opts.env ?? {} });
  if (!loaded.ok) throw new Error(loaded.issues.map(formatIssue).join('\n'));
  const runtime = await startRuntime(loaded.config, { logger: createLogger({ level: 'silent', pretty: false }), ...opts.runtime });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await runtime.stop();
  };
  afterAll(stop);
  return { runtime, url: runtime.http.url, dir, stop };
}

function withDefaults(yaml: string): string {
  let out = yaml;
  if (!/^server:/m.test(out)) out = `server: { host: 127.0.0.1, port: 0 }\n${out}`;
  if (!/^storage:/m.test(out)) out = `storage: { path: ./picket.db }\n${out}`;
  return out;
}

/** POST helper that returns status, parsed JSON body and headers. */
export async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json as Record<string, unknown>, headers: res.headers };
}
