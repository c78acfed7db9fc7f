import { Command } from 'commander';
import { createChannel } from '../notify/channels/index.js';
import type { Notification } from '../notify/notification.js';
import { addConfigOption, loadForCommand } from './options.js';

export function register(program: Command): void {
  const notify = program.command('notify').description('notification channels');
  addConfigOption(notify.command('test'))
    .argument('<channel>', 'channel name from the config')
    .description('send a test message through a channel and say what happened')
    .action(async (name: string, opts: { config: string }) => {
      const config = loadForCommand(opts.config);
      if (!config) {
        process.exitCode = 1;
        return;
      }
      const cfg = config.channels[name];
      if (!cfg) {
        process.stderr.write(`no channel "${name}" (channels: ${Object.keys(config.channels).join(', ') || 'none'})\n`);
        process.exitCode = 1;
        return;
      }
      const now = Date.now();
      const n: Notification = {
        kind: 'test',
        key: `test|${now}|${name}`,
        createdAt: now,
        note: `A test message from picket through channel "${name}". If you can read this, pages will arrive here.`,
      };
      const result = await createChannel(name, cfg).send(n);
      if (result.ok) {
        process.stdout.write(`${name} (${cfg.type}): delivered\n`);
        return;
      }
      process.stdout.write(`${name} (${cfg.type}): failed, ${result.retryable ? 'would be retried' : 'permanent'}: ${result.reason}\n`);
      process.exitCode = 1;
    });
}
