import type { Logger } from '../log.js';

export const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts something long-running and stops it on SIGINT/SIGTERM: drain, close, exit 0. A second signal, or a stop
 * that takes longer than the bound, exits at once with status 1 so an operator is never stuck.
 */
export async function runUntilSignal(logger: Logger, start: () => Promise<{ stop(): Promise<void>; reload?(): unknown }>): Promise<void> {
  let running: { stop(): Promise<void>; reload?(): unknown };
  try {
    running = await start();
  } catch (err) {
    const e = err as Error & { code?: string };
    logger.fatal({ code: e.code, err: e.message }, 'picket could not start');
    process.exitCode = 1;
    return;
  }
  logger.info('picket started');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      const force = setTimeout(() => {
        logger.error({ timeoutMs: STOP_TIMEOUT_MS }, 'stop took too long; exiting');
        process.exit(1);
      }, STOP_TIMEOUT_MS);
      force.unref();
      running
        .stop()
        .catch((err: Error) => {
          logger.error({ err: err.message }, 'error while stopping');
          process.exitCode = 1;
        })
        .finally(() => {
          clearTimeout(force);
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('SIGHUP', () => {
      logger.info('SIGHUP: reloading configuration');
      running.reload?.();
    });
  });
}
