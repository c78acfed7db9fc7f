import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TestPki } from '../test/helpers/certs.js';

/** One line of BENCHMARKS.md. */
export interface Figure {
  figure: string;
  how: string;
  /** The measured value, as text with its unit. */
  value: string;
  /** The baseline measured in the same run, when the target is a ratio. */
  baseline?: string;
  ratio?: number;
  target: string;
  pass: boolean;
  /** Anything a reader needs to judge the number (runs, spread). */
  note?: string;
  /** The longest event-loop stall of the picket process during the run, for the event-loop figure. */
  loopLagMs?: number;
}

/** The sum of a metric's series on a running picket's /metrics (a name, or a name with its `{labels}`). */
export async function scrapeMetric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return lines.length === 0 ? NaN : sum(lines.map((l) => Number(l.split(' ').pop())));
}

/**
 * The longest event-loop stall of a running picket since the last call (prom-client resets the maximum at each
 * scrape): call once when the run starts and once when it ends.
 */
export async function picketLoopLagMs(url: string): Promise<number> {
  return (await scrapeMetric(url, 'nodejs_eventloop_lag_max_seconds')) * 1000;
}

/** Resident memory of a process, from /proc. */
export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]) => percentile(values, 50);

export const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

const tempDirs: string[] = [];

export function tempDir(prefix = 'picket-bench-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/**
 * Removes every folder `tempDir` made so far. The storage and replay suites leave a gigabyte each; kept, a few runs
 * filled this machine's disk.
 */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

process.once('exit', removeTempDirs);

/** A folder with picket.yaml and checks/checks.yaml for a `picket start` under test; returns the config path. */
export function picketConfig(yaml: string, checks = ''): { dir: string; config: string } {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'checks'));
  writeFileSync(path.join(dir, 'picket.yaml'), `server: { host: 127.0.0.1, port: 0 }\nstorage: { path: ./picket.db }\n${yaml}`);
  if (checks) writeFileSync(path.join(dir, 'checks', 'checks.yaml'), checks);
  return { dir, config: path.join(dir, 'picket.yaml') };
}

export interface Target {
  http: string;
  https: string;
  caFile: string;
  process: ChildProcess;
  stop(): void;
}

/** Starts bench/target-server.mjs in its own process with a certificate from a fresh test CA. */
export async function startTarget(): Promise<Target> {
  const dir = tempDir();
  const pki = new TestPki();
  const leaf = pki.leaf();
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(keyFile, leaf.key);
  writeFileSync(certFile, leaf.cert);
  writeFileSync(caFile, pki.ca.cert);
  const script = fileURLToPath(new URL('./target-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, keyFile, certFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<{ http: number; https: number }>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as { http: number; https: number }));
    child.once('exit', (code) => reject(new Error(`target server exited with ${code}`)));
  });
  return {
    http: `http://127.0.0.1:${ports.http}`,
    https: `https://localhost:${ports.https}`,
    caFile,
    process: child,
    stop: () => child.kill('SIGTERM'),
  };
}

/** Max event-loop delay while `fn` runs, in ms. */
export async function withLoopLag<T>(fn: () => Promise<T>): Promise<{ result: T; maxLagMs: number }> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  try {
    const result = await fn();
    return { result, maxLagMs: h.max / 1e6 };
  } finally {
    h.disable();
  }
}

/** CPU time (user + system) of this process spent in `fn`, in ms. */
export async function cpuOf(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

/** Pins a running process to one core, and returns what puts its cores back. */
export function pinProcess(pid: number, core: number): () => void {
  const id = String(pid);
  // `taskset -p PID` prints "pid N's current affinity mask: 3".
  const mask = spawnSync('taskset', ['-p', id], { encoding: 'utf8' }).stdout.trim().split(' ').pop()!;
  spawnSync('taskset', ['-p', '-c', String(core), id], { stdio: 'ignore' });
  return () => void spawnSync('taskset', ['-p', mask, id], { stdio: 'ignore' });
}

/**
 * Pins this process to one core so a server pinned to the other is measured without competition. Processes spawned
 * meanwhile inherit the pin: left in place, it had put the replay suite's two threads on one core, so callers put its
 * cores back with what this returns.
 */
export const pinSelf = (core: number): (() => void) => pinProcess(process.pid, core);

export interface Spawned {
  process: ChildProcess;
  /** Output so far. */
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

/** The command and arguments that run node with `args` on `core` alone. */
export function nodeOnCore(core: number, args: string[]): [string, string[]] {
  return ['taskset', ['-c', String(core), process.execPath, ...args]];
}

/** Starts node with `args` pinned to `core`, keeping its output for waitFor. */
export function spawnPinned(core: number, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const [command, argv] = nodeOnCore(core, args);
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    process: child,
    output: () => out,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const m = pattern.exec(out);
          if (m) {
            clearInterval(poll);
            resolve(m);
          } else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`no ${pattern} from ${args.join(' ')}:\n${out}`));
          }
        }, 20);
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

/**
 * Runs a bench script in a process of its own (its own heap, so what earlier suites left in the bench's cannot stall
 * it) and resolves with the JSON it prints as its last line of output.
 */
export function resultOfChild<T>(command: string, args: string[], what: string): Promise<T> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as T) : reject(new Error(`${what} exited with ${code}`))));
  });
}
