import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { simulationConfig, writeSimulationConfig } from '../simulate/config.js';
import { generate, scenarioNamed, SCENARIOS } from '../simulate/scenarios.js';
import { runScenario, summarize } from '../simulate/score.js';

export function register(program: Command): void {
  program
    .command('simulate')
    .description('write seeded, labeled traffic (benign, traps, attacks, outages), or score detection on all of it')
    .option('--list', 'list the scenarios')
    .option('--scenario <name>', 'scenario to write')
    .option('--seed <n>', 'random seed', '1')
    .option('--out <file>', 'NDJSON file to write (labels go to <file>.labels.json, config to <file>.config/)')
    .option('--score', 'replay every scenario and print precision, recall and time to detect per class')
    .option('--seeds <list>', 'seeds for --score, comma-separated', '1,2,3')
    .option('--json', 'with --score: the result as JSON')
    .action(async (opts: { list?: boolean; scenario?: string; seed: string; out?: string; score?: boolean; seeds: string; json?: boolean }) => {
      if (opts.list) {
        for (const s of SCENARIOS) process.stdout.write(`${s.name.padEnd(22)} ${s.days} days: ${s.description}\n`);
        return;
      }
      if (opts.score) return score(opts.seeds, opts.json === true);
      if (!opts.scenario || !opts.out) {
        process.stderr.write('give --scenario and --out (or --list, or --score)\n');
        process.exitCode = 1;
        return;
      }
      let scenario;
      try {
        scenario = scenarioNamed(opts.scenario);
      } catch (err) {
        process.stderr.write(`${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const out = createWriteStream(opts.out);
      let records = 0;
      const labels = generate(scenario, Number(opts.seed), (r) => {
        records++;
        out.write(`${JSON.stringify(r)}\n`);
      });
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
      writeFileSync(`${opts.out}.labels.json`, `${JSON.stringify(labels.map((l) => ({ ...l, start: new Date(l.start).toISOString(), end: new Date(l.end).toISOString() })), null, 2)}\n`);
      const configDir = `${opts.out}.config`;
      mkdirSync(configDir, { recursive: true });
      const configFile = writeSimulationConfig(configDir);
      process.stdout.write(`wrote ${records} records to ${opts.out}, ${labels.length} labels to ${opts.out}.labels.json\n`);
      process.stdout.write(`replay it: picket replay ${opts.out} --config ${path.relative(process.cwd(), configFile)} --json\n`);
    });
}

async function score(seedList: string, json: boolean): Promise<void> {
  const seeds = seedList.split(',').map((s) => Number(s.trim())).filter(Number.isFinite);
  const config = simulationConfig();
  const runs = [];
  for (const scenario of SCENARIOS) {
    for (const seed of seeds) {
      const r = await runScenario(scenario, seed, config);
      runs.push(r);
      if (!json) process.stderr.write(`${scenario.name} seed ${seed}: ${r.incidents.length} incidents, ${r.missed.length} missed, ${r.falseIncidents.length} false\n`);
    }
  }
  const s = summarize(runs, SCENARIOS);
  if (json) {
    process.stdout.write(`${JSON.stringify({ classes: s.classes, falseIncidentsPerBenignDay: s.falseIncidentsPerBenignDay, benignDays: s.benignDays }, null, 2)}\n`);
    return;
  }
  const rows = s.classes.map((c) => [
    c.class,
    `${c.detected}/${c.labels}`,
    c.precision.toFixed(2),
    c.recall.toFixed(2),
    c.medianTimeToDetectMs === null ? '—' : `${Math.round(c.medianTimeToDetectMs / 1000)} s`,
    c.notificationsPerIncident === null ? '—' : c.notificationsPerIncident.toFixed(1),
  ]);
  const header = ['class', 'detected', 'precision', 'recall', 'median time to detect', 'notifications per incident'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(`false incidents per benign day: ${s.falseIncidentsPerBenignDay.toFixed(2)} (over ${s.benignDays} days)\n`);
}
