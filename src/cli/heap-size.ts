import v8 from 'node:v8';

const LONG_RUNNING = new Set(['start', 'demo']);

/**
 * How often the load is looked at, and for how many looks in a row it must stay high before V8 sizes the heap its own
 * way: a flood is answered within two seconds. Looking starts once start-up (loading, migrations, the first probes
 * and their code warming up) is over. Both bounds keep start-up from passing for a flood: 1,000 checks take 60–98 % of
 * a core for the first seconds after 5 s, and one second of it was enough to grow the young generation to 4–16 MB for
 * good (9 of 15 starts, 112–127 MB resident instead of 108–114).
 */
const LOAD_CHECK_MS = 500;
const BUSY_LOOKS = 4;
/**
 * Looks in a row of light load before the heap is lean again: 30 s. A flood comes in waves (senders retry after a
 * back-off, a batch job pauses), and each wave that met a lean heap spent its first two seconds scavenging a 1-MB
 * young generation: about 9 % of the core against 3 % once sized (signed webhooks at 10,000/s, `--trace-gc`).
 */
const QUIET_LOOKS = 60;
const START_UP_MS = 10_000;
/**
 * Share of one core's time spent by picket that counts as heavy load: a flood keeps it near 1, while 1,000 checks
 * every 5 s take a quarter. CPU time, not event-loop utilization: on a core shared with other processes the loop looks
 * busy for as long as it waits to be scheduled.
 */
const BUSY_CPU_SHARE = 0.7;

/**
 * A long-running picket (`start`, `demo`) shares its machine with the API it watches, so while it only probes its heap
 * stays close to what is live: old space grows 20 % past the live size between full collections instead of up to 4×,
 * and the young generation keeps its initial 2 × 1 MB instead of doubling up to 2 × 16 MB as V8 lets it under any
 * steady work. With 1,000 checks every 5 s that is about 115 MB resident instead of 140–210 MB, for no CPU difference
 * measured (`npm run bench -- memory`). Under heavy load (picket taking 70 % of a core or more for two seconds) V8
 * sizes the heap its own way again, until the load has been light for 30 s: with the lean settings a telemetry flood
 * loses a third of its throughput to full collections, and a webhook flood loses 10–15 % of its throughput.
 *
 * V8 lets the young generation's maximum be set only on Node's command line, but its growth factor at any time. A
 * young generation that has grown does not shrink back, and loading picket is enough to grow it: so main.ts calls
 * this before it loads any other module. One-shot commands such as `replay` keep V8's defaults, which suit bursts.
 */
export function sizeHeapFor(args: readonly string[], opts: { checkEveryMs?: number; startUpMs?: number; busyCpuShare?: number } = {}): void {
  if (!args.some((arg) => LONG_RUNNING.has(arg))) return;
  const sizing = new HeapSizing();
  setHeapSizing(sizing.mode);
  // A worker thread starting up puts V8's flags back to the command line's (the store's checkpointer is one).
  process.on('worker', (worker) => worker.once('online', () => setHeapSizing(sizing.mode)));
  const busyShare = opts.busyCpuShare ?? BUSY_CPU_SHARE;
  const sample = () => {
    const cpu = process.cpuUsage();
    return { cpuMs: (cpu.user + cpu.system) / 1000, at: Date.now() };
  };
  setTimeout(() => {
    let last = sample();
    setInterval(() => {
      const now = sample();
      const was = sizing.mode;
      const mode = sizing.look((now.cpuMs - last.cpuMs) / Math.max(1, now.at - last.at) >= busyShare);
      last = now;
      if (mode !== was) setHeapSizing(mode);
    }, opts.checkEveryMs ?? LOAD_CHECK_MS).unref();
  }, opts.startUpMs ?? START_UP_MS).unref();
}

/** Lean: the settings above. Busy: V8's own (old space grown by a factor it picks from GC speed, young space doubling). */
export type HeapMode = 'lean' | 'busy';

/** The heap's mode from successive looks at the load: busy after BUSY_LOOKS heavy looks in a row, lean after QUIET_LOOKS light. */
export class HeapSizing {
  mode: HeapMode = 'lean';
  private heavyInRow = 0;
  private lightInRow = 0;

  look(heavy: boolean): HeapMode {
    this.heavyInRow = heavy ? this.heavyInRow + 1 : 0;
    this.lightInRow = heavy ? 0 : this.lightInRow + 1;
    if (this.mode === 'lean' && this.heavyInRow >= BUSY_LOOKS) this.mode = 'busy';
    else if (this.mode === 'busy' && this.lightInRow >= QUIET_LOOKS) this.mode = 'lean';
    return this.mode;
  }
}

function setHeapSizing(mode: HeapMode): void {
  v8.setFlagsFromString(`--heap-growing-percent=${mode === 'lean' ? 20 : 0}`);
  v8.setFlagsFromString(`--semi-space-growth-factor=${mode === 'lean' ? 1 : 2}`);
}
