import { Command } from 'commander';
import { Replayer } from '../replay/replayer.js';
import { loadForCommand } from './options.js';

export function register(program: Command): void {
  program
    .command('replay')
    .argument('<file>', 'NDJSON of telemetry records, and probe and webhook records by "type"')
    .description('run recorded traffic through the detectors and correlator on a virtual clock; sends nothing')
    .option('-c, --config <file>', 'picket.yaml for services, sources, checks and thresholds (optional)')
    .option('--json', 'one JSON object per incident')
    .action(async (file: string, opts: { config?: string; json?: boolean }) => {
      const config = opts.config ? loadForCommand(opts.config) : undefined;
      if (config === null) {
        process.exitCode = 1;
        return;
      }
      const replayer = new Replayer(config);
      let incidents;
      try {
        incidents = await replayer.replayFile(file);
      } catch (err) {
        process.stderr.write(`cannot replay ${file}: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      } finally {
        await replayer.close();
      }
      if (opts.json) {
        for (const i of incidents) process.stdout.write(`${JSON.stringify(i)}\n`);
        return;
      }
      const s = replayer.stats;
      process.stdout.write(`${s.records} records (${Object.entries(s.byType).map(([t, n]) => `${n} ${t}`).join(', ')}; ${s.rejected} rejected), ${incidents.length} incidents\n`);
      for (const i of incidents) {
        process.stdout.write(`#${i.id} ${i.severity.toUpperCase()} ${i.class} on ${i.service}, ${i.openedAt} → ${i.resolvedAt ?? 'open'}\n   ${i.summary}\n`);
      }
    });
}
