import https from 'node:https';
import http from 'node:http';
import { createSecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { checkSchema } from '../src/config/schema.js';
import { probeCheck, type Check } from '../src/probe/index.js';
import { cpuOf, fmt, median, percentile, startTarget, type Figure } from './lib.js';

const PROBES = 300;
/**
 * Pairs of rounds measured. One pair's ratio ranges from 0.8× to 1.5× on this shared machine (a TLS handshake's CPU
 * moves with its neighbours), so the median needs about twenty of them to settle within a few hundredths.
 */
const ROUNDS = 21;
/** Rounds of each path before measuring: a picket runs for days, so its steady state is what counts. */
const WARMUP_ROUNDS = 3;
const CONCURRENCY = 8;

/**
 * The baseline: the same request with bare node:http(s) at its cheapest that does the same network work as a
 * probe: a fresh connection and a full TLS handshake each, one TLS context built once, the body read to the end.
 */
function bareClient(url: string, ca: string): () => Promise<void> {
  const secure = url.startsWith('https');
  const agent = secure ? new https.Agent({ keepAlive: false, maxCachedSessions: 0, secureContext: createSecureContext({ ca }) }) : new http.Agent({ keepAlive: false });
  const request = secure ? https.request : http.request;
  return () => new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });
}

async function perProbeCpu(fn: () => Promise<void>): Promise<number> {
  const limit = pLimit(CONCURRENCY);
  const ms = await cpuOf(async () => {
    await Promise.all(Array.from({ length: PROBES }, () => limit(fn)));
  });
  return ms / PROBES;
}

/** CPU per probe: picket's http probe against bare node:https.request / node:http.request, same run. */
export async function run(): Promise<Figure[]> {
  const target = await startTarget();
  try {
    const ca = readFileSync(target.caFile, 'utf8');
    const figures: Figure[] = [];
    for (const scheme of ['https', 'http'] as const) {
      const url = `${target[scheme]}/health`;
      const check = checkSchema.parse({
        id: 'bench', service: 'bench', kind: 'http', url, ca: path.basename(target.caFile), expect: { status: [200] },
      }) as Check;
      const ctx = { configDir: path.dirname(target.caFile) };
      const bare: number[] = [];
      const picket: number[] = [];
      const bareRequest = bareClient(url, ca);
      const picketProbe = async () => {
        const r = await probeCheck(check, ctx);
        if (!r.ok) throw new Error(`probe failed: ${r.message}`);
      };
      // Warm up both paths (JIT, TLS code, the heap's young generation), then measure them in pairs of adjacent
      // rounds: the machine is shared, and a pair's ratio cancels the drift that moves both of its rounds.
      for (let i = 0; i < WARMUP_ROUNDS; i++) {
        await perProbeCpu(bareRequest);
        await perProbeCpu(picketProbe);
      }
      for (let i = 0; i < ROUNDS; i++) {
        bare.push(await perProbeCpu(bareRequest));
        picket.push(await perProbeCpu(picketProbe));
      }
      const ratios = picket.map((p, i) => p / bare[i]!);
      const ratio = median(ratios);
      figures.push({
        figure: `probe cost (${scheme.toUpperCase()})`,
        how: `CPU per probe, ${ROUNDS} pairs of rounds of ${PROBES} probes (${CONCURRENCY} at a time) after ${WARMUP_ROUNDS} warm-up pairs, vs bare node:${scheme}.request; ratio is the median of the pairs'`,
        value: `${fmt(median(picket), 3)} ms CPU`,
        baseline: `${fmt(median(bare), 3)} ms CPU`,
        ratio,
        target: scheme === 'https' ? '≤ 1.25×' : 'reported',
        pass: scheme === 'https' ? ratio <= 1.25 : true,
        note: `pairs' ratios p25 ${fmt(percentile(ratios, 25), 2)}×, p75 ${fmt(percentile(ratios, 75), 2)}×`,
      });
    }
    return figures;
  } finally {
    target.stop();
  }
}
