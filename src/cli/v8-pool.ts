import { readdirSync } from 'node:fs';
import os from 'node:os';

/** Threads Node gives V8 for background work unless started with `--v8-pool-size`. */
const NODE_DEFAULT_POOL = 4;

/**
 * What to tell an operator whose picket runs V8's default pool on one core, or undefined. Node starts four
 * background threads (concurrent marking, parallel scavenges) whatever the machine; on one core they took turns with
 * the event loop, and with 10,000 checks the longest stall halved once the pool was sized to the core. Node reads the
 * size only when it starts, so picket can only say so.
 */
export function v8PoolAdvice(cores: number, execArgv: readonly string[], nodeOptions = ''): string | undefined {
  // Measured on one core only: with two, the longest stalls of alternating runs were the same either way.
  if (cores > 1) return undefined;
  const sized = [...execArgv, ...nodeOptions.split(/\s+/)].some((arg) => arg.startsWith('--v8-pool-size'));
  if (sized) return undefined;
  return (
    `V8 runs ${NODE_DEFAULT_POOL} background threads on 1 core, taking turns with the event loop: start picket with ` +
    'NODE_OPTIONS=--v8-pool-size=0 to size them to the cores (README: On a small machine)'
  );
}

/** The niceness of threads other than the event loop's on one core (0 is the default, 19 the lowest priority). */
const HELPER_NICE = 10;

/**
 * On one core, gives every other thread the process has when picket starts (V8's background pool, Node's platform and
 * signal threads, libuv's pool) a lower priority than the event loop's: when both want the core, the event loop gets
 * it. With 10,000 checks on one core, the event loop's longest stalls had it waiting in the run queue for 33–102 ms
 * while V8's four threads used 50–80 ms of the core. Lowered, the longest stall of a 40–60 s run was 39–82 ms against
 * 63–124 ms in four alternating pairs of five (the fifth stalled once for 332 ms asleep, not waiting for the core).
 * Threads started later (the store's checkpointer) take the event loop's priority. Linux only, where a thread id
 * names one thread to setpriority. Returns how many threads were lowered.
 */
export function lowerHelperThreads(cores: number): number {
  if (cores > 1 || process.platform !== 'linux') return 0;
  let lowered = 0;
  for (const entry of readdirSync('/proc/self/task')) {
    const tid = Number(entry);
    if (tid === process.pid) continue;
    try {
      os.setPriority(tid, HELPER_NICE);
      lowered++;
    } catch {
      // A thread that ended meanwhile, or a system that refuses: the threads keep their priority.
    }
  }
  return lowered;
}
