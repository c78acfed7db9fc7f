import { readFileSync } from 'node:fs';

/**
 * The event loop's longest gap between two ticks of a 10 ms timer, and where its thread's time went meanwhile: on a
 * core (JavaScript, GC, SQLite), waiting in the run queue for one (other threads or processes had it), or asleep
 * (a disk write, a lock). The three tell a slow turn from a busy machine and a busy disk apart. Asleep includes the
 * loop's ordinary idle wait before the timer's tick, up to 10 ms.
 */
export interface Gap {
  ms: number;
  onCoreMs: number;
  runQueueMs: number;
  asleepMs: number;
}

/** This thread's time on a core and in the run queue (Linux's schedstat, in ns), in ms; undefined elsewhere. */
function schedstat(): { onCore: number; runQueue: number } | undefined {
  try {
    const [onCore, runQueue] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ');
    return { onCore: Number(onCore) / 1e6, runQueue: Number(runQueue) / 1e6 };
  } catch {
    return undefined;
  }
}

/** Watches the calling thread's event loop until `stop`, which returns its longest gap (undefined without schedstat). */
export function watchGaps(everyMs = 10): { stop(): Gap | undefined } {
  const first = schedstat();
  // Where the file cannot be read once, it will not be on the next tick either: no timer at all.
  if (!first) return { stop: () => undefined };
  let lastStat = first;
  let last = performance.now();
  let longest: Gap | undefined;
  const timer = setInterval(() => {
    const now = performance.now();
    const stat = schedstat();
    if (!stat) return;
    if (!longest || now - last > longest.ms) {
      const onCoreMs = stat.onCore - lastStat.onCore;
      const runQueueMs = stat.runQueue - lastStat.runQueue;
      longest = { ms: now - last, onCoreMs, runQueueMs, asleepMs: Math.max(0, now - last - onCoreMs - runQueueMs) };
    }
    last = now;
    lastStat = stat;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return longest;
    },
  };
}
