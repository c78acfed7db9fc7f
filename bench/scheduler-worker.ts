// Runs N http checks through the real CheckRunner and store for a while and prints what the scheduler saw.
// argv: <checks> <intervalMs> <durationMs> <targetUrl>
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { lowerHelperThreads } from '../src/cli/v8-pool.js';
import { systemClock } from '../src/clock.js';
import { checkSchema } from '../src/config/schema.js';
import { createLogger } from '../src/log.js';
import { CheckRunner } from '../src/probe/check-runner.js';
import type { Check } from '../src/probe/index.js';
import { Store } from '../src/store/store.js';
import { percentile, tempDir } from './lib.js';
import { watchGaps } from './loop-gaps.js';

const [checks, interval, duration, target] = process.argv.slice(2);
// As `picket start` does on one core: the event loop before V8's and Node's background threads.
lowerHelperThreads(os.availableParallelism());
const n = Number(checks);
const store = Store.open(path.join(tempDir(), 'picket.db'));
const lateness: number[] = [];
let runs = 0;
let failures = 0;
const runner = new CheckRunner({
  store: store.checks,
  configDir: '.',
  clock: systemClock,
  logger: createLogger({ level: 'silent', pretty: false }),
  onObservation: (o) => {
    runs++;
    if (!o.ok) failures++;
  },
  onLateness: (ms) => lateness.push(ms),
  perHost: 64,
});
const list = Array.from({ length: n }, (_, i) =>
  checkSchema.parse({ id: `check-${i}`, service: 'bench', kind: 'http', url: `${target}/health/${i}`, interval: `${interval}ms`, timeout: '5s', confirmRetries: 0 }),
) as Check[];
runner.setChecks(list);
const loop = monitorEventLoopDelay({ resolution: 10 });
const cpu0 = process.cpuUsage();
loop.enable();
runner.start();
// Let the first interval pass before measuring, so start-up does not count.
await new Promise((r) => setTimeout(r, Number(interval)));
lateness.length = 0;
runs = 0;
const launched0 = runner.scheduler.stats.launched;
const missed0 = runner.scheduler.stats.missed;
const skipped0 = runner.scheduler.stats.skipped;
loop.reset();
const gaps = watchGaps();
const started = Date.now();
await new Promise((r) => setTimeout(r, Number(duration)));
const elapsed = (Date.now() - started) / 1000;
loop.disable();
const longestGap = gaps.stop();
const stats = runner.scheduler.stats;
const cpu = process.cpuUsage(cpu0);
const result = {
  checks: n,
  intervalMs: Number(interval),
  seconds: elapsed,
  launched: stats.launched - launched0,
  expected: Math.round((n * elapsed * 1000) / Number(interval)),
  runs,
  failures,
  missed: stats.missed - missed0,
  skipped: stats.skipped - skipped0,
  latenessP50: percentile(lateness, 50),
  latenessP99: percentile(lateness, 99),
  latenessMax: Math.max(...lateness),
  loopMaxLagMs: loop.max / 1e6,
  longestGap,
  rssMb: process.memoryUsage().rss / 1e6,
  cpuMsPerProbe: (cpu.user + cpu.system) / 1000 / Math.max(1, runs),
};
await runner.stop();
await store.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
