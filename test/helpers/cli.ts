import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running `picket` process whose output is kept from the start, so no line is missed between waits. */
export interface CliProcess {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  readonly output: string;
  /** Resolves when the output so far, or what comes next, matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited. */
  done: Promise<CliResult>;
}

/** Runs the built `picket` CLI to completion. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return spawnCli(args, { ...opts }).done;
}

/** `prefix` runs node under another command, such as `taskset -c 0`. */
export function spawnCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; prefix?: string[] } = {}): CliProcess {
  const [command, ...commandArgs] = [...(opts.prefix ?? []), process.execPath, CLI, ...args];
  const child = spawn(command!, commandArgs, {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (which: 'out' | 'err') => (d: Buffer) => {
    const text = d.toString();
    if (which === 'out') stdout += text;
    else stderr += text;
    output += text;
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData('out'));
  child.stderr!.on('data', onData('err'));
  let exited = false;
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`picket ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 30_000} ms\n${output}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('close', (code, signal) => {
      exited = true;
      clearTimeout(timer);
      for (const w of waiters) w();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(output);
        if (m) {
          cleanup();
          resolve(m[0]);
        } else if (exited) {
          cleanup();
          reject(new Error(`process exited before printing ${pattern}; got:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; got:\n${output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    get output() {
      return output;
    },
    waitFor,
    done,
  };
}
