import { Command, Option } from 'commander';
import { LOG_LEVELS } from '../log.js';
import { packageInfo } from '../package-info.js';
import { commands } from './index.js';

// A reader that stops early (`picket schema | head`) closes the pipe: that ends the command, it is not a crash.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

const program = new Command('picket')
  .description('Watches the security-critical surface of an HTTP API: probes, webhooks, telemetry, incidents, pages.')
  .version(packageInfo.version)
  .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
  .showHelpAfterError();

for (const command of commands) command.register(program);

await program.parseAsync(process.argv);
