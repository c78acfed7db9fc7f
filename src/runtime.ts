import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { systemClock, type Clock } from './clock.js';
import { loadConfig, type PicketConfig } from './config/load.js';
import { formatIssue } from './config/issues.js';
import type { Observation, ObservationSink } from './correlate/observation.js';
import type { Logger } from './log.js';
import { CheckRunner } from './probe/check-runner.js';
import { Retention } from './store/retention.js';
import { Store } from './store/store.js';

export interface Runtime {
  readonly store: Store;
  readonly runner: CheckRunner;
  /** Subscribes to every observation (probe results, external events, telemetry). */
  observe(sink: ObservationSink): void;
  /** Re-reads the config file and applies what can change without a restart (checks); keeps running on errors. */
  reload(): boolean;
  /** Stops every subsystem in the reverse order of starting and closes the store. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Logger;
  clock?: Clock;
}

/** Wires picket's subsystems from a loaded config; `picket start` and the demo both run this. */
export async function startRuntime(config: PicketConfig, opts: RuntimeOptions): Promise<Runtime> {
  const { logger } = opts;
  const clock = opts.clock ?? systemClock;
  const dbPath = path.resolve(config.dir, config.storage.path);
  const store = Store.open(dbPath);
  logger.info({ db: dbPath }, 'store open');

  const sinks: ObservationSink[] = [];
  const emit = (o: Observation) => {
    for (const sink of sinks) sink(o);
  };

  const runner = new CheckRunner({ store: store.checks, configDir: config.dir, clock, logger, onObservation: emit });
  runner.setChecks(config.checks);
  runner.start();
  logger.info({ checks: runner.checks.length }, 'scheduler running');

  const retention = new Retention(store.db, {
    rawMs: config.storage.retention.raw,
    minuteMs: config.storage.retention.minute,
    hourMs: config.storage.retention.hour,
  });
  const jobs: ScheduledTask[] = [
    cron.schedule(
      '17 * * * *',
      async () => {
        const deleted = await retention.run();
        logger.debug({ deleted }, 'retention run');
      },
      { name: 'retention', noOverlap: true },
    ),
  ];

  return {
    store,
    runner,
    observe(sink) {
      sinks.push(sink);
    },
    reload() {
      const result = loadConfig(config.file);
      if (!result.ok) {
        logger.error({ errors: result.issues.map(formatIssue) }, 'reload refused: configuration has errors; still running the previous one');
        return false;
      }
      runner.setChecks(result.config.checks);
      logger.info({ checks: runner.checks.length }, 'configuration reloaded');
      return true;
    },
    async stop() {
      for (const job of jobs) await job.destroy();
      await runner.stop();
      store.close();
      logger.info('stopped');
    },
  };
}
