import type { Logger } from '../log.js';

export const STOP_TIMEOUT_MS = 10_000;

interface Running {
  stop(): Promise<void>;
  reload?(): unknown;
}

/**
 * Starts something long-running and stops it on SIGINT/SIGTERM: drain, close, exit 0. SIGHUP reloads. A second
 * stop signal, or a stop that takes longer than the bound, exits at once with status 1 so an operator is never
 * stuck. Handlers are installed before starting, so a signal that arrives during start-up is never fatal.
 */
export async function runUntilSignal(logger: Logger, start: () => Promise<Running>): Promise<void> {
  let running: Running | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let stopping = false;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = resolve));

  const stop = (signal: NodeJS.Signals) => {
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
    running!
      .stop()
      .catch((err: Error) => {
        logger.error({ err: err.message }, 'error while stopping');
        process.exitCode = 1;
      })
      .finally(() => {
        clearTimeout(force);
        finished();
      });
  };
  const onStopSignal = (signal: NodeJS.Signals) => {
    if (running) stop(signal);
    else stopRequested = signal;
  };
  const onHangup = () => {
    if (!running) return;
    logger.info('SIGHUP: reloading configuration');
    running.reload?.();
  };
  process.on('SIGINT', onStopSignal);
  process.on('SIGTERM', onStopSignal);
  process.on('SIGHUP', onHangup);
  try {
    try {
      running = await start();
    } catch (err) {
      const e = err as Error & { code?: string };
      logger.fatal({ code: e.code, err: e.message }, 'picket could not start');
      process.exitCode = 1;
      return;
    }
    logger.info('picket started');
    if (stopRequested) stop(stopRequested);
    await done;
  } finally {
    process.off('SIGINT', onStopSignal);
    process.off('SIGTERM', onStopSignal);
    process.off('SIGHUP', onHangup);
  }
}
