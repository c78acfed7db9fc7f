import path from 'node:path';
import { Command } from 'commander';
import { Store } from '../store/store.js';
import { addConfigOption, loadForCommand } from './options.js';

export function register(program: Command): void {
  addConfigOption(program.command('migrate'))
    .description('apply pending database migrations and exit')
    .option('--db <file>', 'database file (default: storage.path from the config)')
    .action((opts: { config: string; db?: string }) => {
      let file = opts.db;
      if (!file) {
        const config = loadForCommand(opts.config);
        if (!config) {
          process.exitCode = 1;
          return;
        }
        file = path.resolve(config.dir, config.storage.path);
      }
      try {
        const applied = Store.migrate(file);
        if (applied.length === 0) process.stdout.write(`${file}: up to date\n`);
        for (const m of applied) process.stdout.write(`${file}: applied ${m.file}\n`);
      } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
