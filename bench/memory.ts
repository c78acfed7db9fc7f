import { fileURLToPath } from 'node:url';
import { CLI, fmt, picketConfig, rssMb, spawnPinned, startTarget, type Figure } from './lib.js';

const CHECKS = 1_000;
const SECONDS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The launch README advises for small hosts: a young generation of 2 × 2 MB instead of up to 2 × 16 MB. */
const SMALL_HOST = '--max-semi-space-size=2';

/** Peak RSS of `picket start` probing 1,000 checks every 5 s for a minute, idle otherwise. */
async function peakRss(config: string, nodeOptions: string | undefined): Promise<number[]> {
  const picket = spawnPinned(0, [CLI, 'start', '--config', config, '--log-level', 'warn'], nodeOptions ? { NODE_OPTIONS: nodeOptions } : {});
  try {
    await sleep(5_000);
    const samples: number[] = [];
    for (let s = 0; s < SECONDS; s += 5) {
      await sleep(5_000);
      samples.push(rssMb(picket.process.pid!));
    }
    return samples;
  } finally {
    await picket.stop();
  }
}

/** RSS of picket with 1,000 checks, launched plainly and as README advises for small hosts, beside a bare Node server's. */
export async function run(): Promise<Figure[]> {
  const target = await startTarget();
  const checks = Array.from({ length: CHECKS }, (_, i) => `- { id: c-${i}, service: auth, kind: http, url: "${target.http}/c${i}", interval: 5s }\n`).join('');
  const bare = spawnPinned(1, [fileURLToPath(new URL('./bare-server.mjs', import.meta.url))]);
  await bare.waitFor(/"url"/);
  try {
    const bareMb = rssMb(bare.process.pid!);
    const figures: Figure[] = [];
    for (const [label, nodeOptions] of [
      ['memory', undefined],
      ['memory (small host)', SMALL_HOST],
    ] as const) {
      const samples = await peakRss(picketConfig('services:\n  auth: {}\n', checks).config, nodeOptions);
      const peak = Math.max(...samples);
      figures.push({
        figure: label,
        how: `picket start${nodeOptions ? ` with NODE_OPTIONS=${nodeOptions}` : ''}, ${CHECKS} HTTP checks every 5 s, ${SECONDS} s, idle otherwise; peak RSS of 5 s samples`,
        value: `${fmt(peak)} MB`,
        baseline: `bare node:http server ${fmt(bareMb)} MB`,
        ratio: peak / bareMb,
        target: '≤ 120 MB',
        pass: peak <= 120,
        note: `RSS samples (MB): ${samples.map((x) => Math.round(x)).join(', ')}`,
      });
    }
    return figures;
  } finally {
    await bare.stop();
    target.stop();
  }
}
