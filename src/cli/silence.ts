import { Command } from 'commander';
import type { Silence } from '../store/silence-repository.js';
import { addApiOptions, api, apiAction, apiTarget } from './api-client.js';

export function register(program: Command): void {
  addApiOptions(program.command('silence'))
    .description('hold pages for a service, class or check for a while (incidents are still recorded)')
    .option('--service <name>', 'service to silence')
    .option('--class <class>', 'incident class, or a family such as attack.*')
    .option('--check <id>', 'check to silence')
    .requiredOption('--for <duration>', 'how long, such as 30m or 2h')
    .requiredOption('--reason <text>', 'why, for the timeline')
    .action(
      apiAction(async (opts: { service?: string; class?: string; check?: string; for: string; reason: string; url?: string; token?: string; config: string }) => {
        const { silence } = await api<{ silence: Silence }>(apiTarget(opts), 'POST', '/api/v1/silences', {
          service: opts.service,
          class: opts.class,
          check: opts.check,
          for: opts.for,
          reason: opts.reason,
        });
        const what = [silence.service && `service ${silence.service}`, silence.class && `class ${silence.class}`, silence.checkId && `check ${silence.checkId}`].filter(Boolean).join(', ');
        process.stdout.write(`silence #${silence.id}: ${what} until ${new Date(silence.endsAt).toISOString()} (${silence.reason})\n`);
      }),
    );
}
