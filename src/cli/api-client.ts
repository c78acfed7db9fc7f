import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';

export interface ApiTarget {
  url: string;
  token?: string;
}

export interface ApiOptions {
  url?: string;
  token?: string;
  config: string;
}

/**
 * Where the running picket is and a token: flags, then the environment, then the config file. The admin token
 * serves reads and writes; without one, the read token serves reads.
 */
export function apiTarget(opts: ApiOptions): ApiTarget {
  let url = opts.url ?? process.env.PICKET_URL;
  let token = opts.token ?? process.env.PICKET_ADMIN_TOKEN;
  if (!url || !token) {
    const loaded = loadConfig(opts.config);
    if (loaded.ok) {
      const s = loaded.config.server;
      url ??= s.publicUrl ?? `http://${s.host === '0.0.0.0' ? '127.0.0.1' : s.host}:${s.port}`;
      token ??= s.adminToken?.reveal() ?? s.readToken?.reveal();
    }
  }
  return { url: (url ?? 'http://127.0.0.1:8787').replace(/\/$/, ''), token };
}

export function addApiOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'picket.yaml (for the server address and admin token)', process.env.PICKET_CONFIG ?? 'picket.yaml')
    .option('--url <url>', 'address of the running picket (default from the config)')
    .option('--token <token>', 'admin token for write calls (default $PICKET_ADMIN_TOKEN or the config)');
}

/** Calls the running picket's API; throws with its `{error, detail}` message on a refusal. */
export async function api<T>(target: ApiTarget, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  headers['x-picket-user'] = process.env.USER ?? 'cli';
  let res: Response;
  try {
    res = await fetch(`${target.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new Error(`cannot reach picket at ${target.url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const e = json as { error?: string; detail?: string } | undefined;
    throw new Error(`picket answered ${res.status}: ${e?.detail ?? e?.error ?? text}`);
  }
  return json as T;
}

/** A command action that talks to the API: a refusal or an unreachable picket is one line on stderr and exit 1. */
export function apiAction<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  };
}
