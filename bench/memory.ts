import { fileURLToPath } from 'node:url';
import { CLI, fmt, picketConfig, rssMb, spawnPinned, startTarget, type Figure } from './lib.js';

const CHECKS = 1_000;
const SECONDS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS samples of `picket start` probing 1,000 checks every 5 s for a minute, idle otherwise. */
async function rssSamples(config: string): Promise<number[]> {
  const picket = spawnPinned(0, [CLI, 'start', '--config', config, '--log-level', 'warn']);
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

/** RSS of `picket start` with 1,000 checks, launched plainly, beside a bare Node server's. */
export async function run(): Promise<Figure[]> {
  const target = await startTarget();
  const checks = Array.from({ length: CHECKS }, (_, i) => `- { id: c-${i}, service: auth, kind: http, url: "${target.http}/c${i}", interval: 5s }\n`).join('');
  const bare = spawnPinned(1, [fileURLToPath(new URL('./bare-server.mjs', import.meta.url))]);
  await bare.waitFor(/"url"/);
  try {
    const bareMb = rssMb(bare.process.pid!);
    const samples = await rssSamples(picketConfig('services:\n  auth: {}\n', checks).config);
    const peak = Math.max(...samples);
    return [
      {
        figure: 'memory',
        how: `picket start, ${CHECKS} HTTP checks every 5 s, ${SECONDS} s, idle otherwise; peak RSS of 5 s samples`,
        value: `${fmt(peak)} MB`,
        baseline: `bare node:http server ${fmt(bareMb)} MB`,
        ratio: peak / bareMb,
        target: '≤ 120 MB',
        pass: peak <= 120,
        note: `RSS samples (MB): ${samples.map((x) => Math.round(x)).join(', ')}`,
      },
    ];
  } finally {
    await bare.stop();
    target.stop();
  }
}
