// `npm run bench:history`: one row per full bench run committed, read from git's versions of BENCHMARKS.md, so the
// run history in the README is printed from the runs themselves rather than kept by hand.
import { execFileSync } from 'node:child_process';

interface Row {
  measured: string;
  ratio: string;
  missed: boolean;
}

const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' });

/** The figures of one BENCHMARKS.md, by name. */
function figuresOf(markdown: string): Map<string, Row> {
  const figures = new Map<string, Row>();
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| figure')) continue;
    const cells = line.split('|').map((cell) => cell.trim());
    figures.set(cells[1]!, { measured: cells[3]!, ratio: cells[5]!, missed: cells[7]!.includes('miss') });
  }
  return figures;
}

function pick(figures: Map<string, Row>, name: string, pattern: RegExp, withRatio = false): string {
  const row = figures.get(name);
  const value = row && pattern.exec(row.measured)?.[1];
  if (!value) return '—';
  return withRatio ? `${value} (${row.ratio})` : value;
}

const commits = git('log', '--reverse', '--format=%h %ad', '--date=format:%Y-%m-%d %H:%M', '--', 'BENCHMARKS.md').trim().split('\n');
const columns = ['committed', 'commit', 'passed', 'probe cost (HTTPS)', 'webhooks/s', 'webhook p99 ms', 'telemetry/s', 'replay events/s', 'API p95 ms', 'page median / max s', 'memory MB', 'event loop ms', 'missed'];
console.log(`| ${columns.join(' | ')} |`);
console.log(`|${columns.map(() => '---').join('|')}|`);
for (const commit of commits) {
  const [sha, ...date] = commit.split(' ');
  const figures = figuresOf(git('show', `${sha}:BENCHMARKS.md`));
  const missed = [...figures].filter(([, row]) => row.missed).map(([name]) => name);
  console.log(`| ${[
    date.join(' '),
    sha,
    `${figures.size - missed.length} of ${figures.size}`,
    figures.get('probe cost (HTTPS)')?.ratio ?? '—',
    pick(figures, 'webhook ingest', /(\d+)\/s/, true),
    pick(figures, 'webhook latency', /p99 ([\d.]+) ms/),
    pick(figures, 'telemetry ingest', /(\d+) records/),
    pick(figures, 'replay', /(\d+) events/, true),
    pick(figures, 'API', /p95 ([\d.]+) ms/),
    `${pick(figures, 'time to page', /median ([\d.]+) s/)} / ${pick(figures, 'time to page', /max ([\d.]+) s/)}`,
    pick(figures, 'memory', /([\d.]+) MB/),
    pick(figures, 'event loop', /max ([\d.]+) ms/),
    missed.join(', '),
  ].join(' | ')} |`);
}
