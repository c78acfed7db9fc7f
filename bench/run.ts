// `npm run bench [-- name …]`: runs the benchmarks on loopback and writes BENCHMARKS.md.
// Every figure is measured against a baseline or a bound in the same run: this machine is shared.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fmt, removeTempDirs, type Figure } from './lib.js';
import * as api from './api.js';
import * as ingest from './ingest.js';
import * as memory from './memory.js';
import * as probeCost from './probe-cost.js';
import * as replay from './replay.js';
import * as scheduler from './scheduler.js';
import * as storage from './storage.js';
import * as timeToPage from './time-to-page.js';

const suites: Record<string, { run(only?: string[]): Promise<Figure[]> }> = {
  'probe-cost': probeCost,
  scheduler,
  ingest,
  replay,
  api,
  'time-to-page': timeToPage,
  memory,
  storage,
};

const only = process.argv.slice(2);
const figures: Figure[] = [];
for (const [name, suite] of Object.entries(suites)) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}…\n`);
  const out = await suite.run().finally(removeTempDirs);
  for (const f of out) process.stderr.write(`  ${f.pass ? 'pass' : 'MISS'} ${f.figure}: ${f.value}${f.ratio ? ` (${fmt(f.ratio, 2)}× ${f.baseline})` : ''}\n`);
  figures.push(...out);
}

const lagged = figures.filter((f) => f.loopLagMs !== undefined && Number.isFinite(f.loopLagMs));
if (lagged.length > 0) {
  const worst = Math.max(...lagged.map((f) => f.loopLagMs!));
  figures.push({
    figure: 'event loop',
    how: "picket's longest event-loop stall during each run above (its own /metrics, or the scheduler worker's monitor)",
    value: `max ${fmt(worst)} ms`,
    target: '≤ 100 ms',
    pass: worst <= 100,
    note: lagged.map((f) => `${f.figure} ${fmt(f.loopLagMs!)} ms`).join(', '),
  });
}

const rows = figures.map(
  (f) => `| ${f.figure} | ${f.how} | ${f.value} | ${f.baseline ?? '—'} | ${f.ratio === undefined ? '—' : `${fmt(f.ratio, 2)}×`} | ${f.target} | ${f.pass ? 'pass' : '**miss**'} |`,
);
const notes = figures.filter((f) => f.note).map((f) => `- **${f.figure}**: ${f.note}`);
const text = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}).
Each ratio is against a baseline measured in the same run, because absolute times drift on a shared machine.

| figure | how | measured | baseline | ratio | target | result |
|---|---|---|---|---|---|---|
${rows.join('\n')}

${notes.join('\n')}
`;
writeFileSync('BENCHMARKS.md', text);
process.stderr.write(`wrote BENCHMARKS.md (${figures.filter((f) => !f.pass).length} missed of ${figures.length})\n`);
