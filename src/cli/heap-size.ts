import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';

const LONG_RUNNING = new Set(['start', 'demo']);

/**
 * How often the load is looked at, and for how many looks in a row it must stay high before V8 sizes the heap its own
 * way: a flood is answered within a second. Looking starts once start-up (loading, migrations, first probes) is over.
 */
const LOAD_CHECK_MS = 500;
const BUSY_LOOKS = 2;
const START_UP_MS = 5_000;
/** Share of the time the event loop was busy that counts as heavy load (a webhook flood, not 1,000 checks probing). */
const BUSY_UTILIZATION = 0.5;

/**
 * A long-running picket (`start`, `demo`) shares its machine with the API it watches, so while it only probes its heap
 * stays close to what is live: old space grows 20 % past the live size between full collections instead of up to 4×,
 * and the young generation keeps its initial 2 × 1 MB instead of doubling up to 2 × 16 MB as V8 lets it under any
 * steady work. With 1,000 checks every 5 s that is about 110 MB resident instead of 140–210 MB, for no CPU difference
 * measured (`npm run bench -- memory`). Under heavy load (the event loop busy half the time or more for a second) V8
 * sizes the heap its own way again: with the lean settings a telemetry flood loses a third of its throughput to full
 * collections, and a webhook flood loses 10–15 % of its throughput.
 *
 * V8 lets the young generation's maximum be set only on Node's command line, but its growth factor at any time. A
 * young generation that has grown does not shrink back, and loading picket is enough to grow it: so main.ts calls
 * this before it loads any other module. One-shot commands such as `replay` keep V8's defaults, which suit bursts.
 */
export function sizeHeapFor(args: readonly string[], opts: { checkEveryMs?: number; startUpMs?: number } = {}): void {
  if (!args.some((arg) => LONG_RUNNING.has(arg))) return;
  setHeapSizing('lean');
  let busyLooks = 0;
  let growing = false;
  let last = performance.eventLoopUtilization();
  const look = () => {
    const now = performance.eventLoopUtilization();
    busyLooks = performance.eventLoopUtilization(now, last).utilization >= BUSY_UTILIZATION ? busyLooks + 1 : 0;
    last = now;
    const grow = busyLooks >= BUSY_LOOKS;
    if (grow !== growing) {
      growing = grow;
      setHeapSizing(grow ? 'busy' : 'lean');
    }
  };
  setTimeout(() => {
    last = performance.eventLoopUtilization();
    setInterval(look, opts.checkEveryMs ?? LOAD_CHECK_MS).unref();
  }, opts.startUpMs ?? START_UP_MS).unref();
}

/** Lean: the settings above. Busy: V8's own (old space grown by a factor it picks from GC speed, young space doubling). */
function setHeapSizing(mode: 'lean' | 'busy'): void {
  v8.setFlagsFromString(`--heap-growing-percent=${mode === 'lean' ? 20 : 0}`);
  v8.setFlagsFromString(`--semi-space-growth-factor=${mode === 'lean' ? 1 : 2}`);
}
