import os from 'node:os';
import { Command } from 'commander';
import { startRuntime } from '../runtime.js';
import { addConfigOption, loadForCommand, loggerFor } from './options.js';
import { runUntilSignal } from './process.js';
import { lowerHelperThreads, v8PoolAdvice } from './v8-pool.js';

export function register(program: Command): void {
  addConfigOption(program.command('start'))
    .description('run picket: probes, ingest, detection, escalation and the HTTP server')
    .action(async (opts: { config: string }, cmd: Command) => {
      const config = loadForCommand(opts.config);
      if (!config) {
        process.exitCode = 1;
        return;
      }
      const logger = loggerFor(cmd);
      const cores = os.availableParallelism();
      const lowered = lowerHelperThreads(cores);
      if (lowered > 0) logger.info({ cores, threads: lowered }, 'on one core, the event loop runs before V8 and Node background threads');
      const advice = v8PoolAdvice(cores, process.execArgv, process.env.NODE_OPTIONS);
      if (advice) logger.info({ cores }, advice);
      await runUntilSignal(logger, () => startRuntime(config, { logger }));
    });
}
