import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import type { PicketConfig } from './config/load.js';
import type { Logger } from './log.js';
import { Retention } from './store/retention.js';
import { Store } from './store/store.js';

export interface Runtime {
  readonly store: Store;
  /** Stops every subsystem in the reverse order of starting and closes the store. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Logger;
}

/** Wires picket's subsystems from a loaded config; `picket start` and the demo both run this. */
export async function startRuntime(config: PicketConfig, opts: RuntimeOptions): Promise<Runtime> {
  const { logger } = opts;
  const dbPath = path.resolve(config.dir, config.storage.path);
  const store = Store.open(dbPath);
  logger.info({ db: dbPath }, 'store open');

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
    async stop() {
      for (const job of jobs) await job.destroy();
      store.close();
      logger.info('stopped');
    },
  };
}
