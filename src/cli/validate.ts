import { Command } from 'commander';
import { formatIssue } from '../config/issues.js';
import { loadConfig } from '../config/load.js';
import { addConfigOption } from './options.js';

export function register(program: Command): void {
  addConfigOption(program.command('validate'))
    .description('check picket.yaml and every check file; prints each problem as file:line: path: message')
    .action((opts: { config: string }) => {
      const result = loadConfig(opts.config);
      if (!result.ok) {
        for (const issue of result.issues) process.stdout.write(`${formatIssue(issue)}\n`);
        process.stdout.write(`${result.issues.length} error${result.issues.length === 1 ? '' : 's'}\n`);
        process.exitCode = 1;
        return;
      }
      const c = result.config;
      const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
      process.stdout.write(
        `${opts.config}: ok (${[
          count(c.checks.length, 'check'),
          count(Object.keys(c.services).length, 'service'),
          count(Object.keys(c.sources).length, 'source'),
          count(Object.keys(c.channels).length, 'channel'),
        ].join(', ')})\n`,
      );
    });
}
