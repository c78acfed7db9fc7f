import https from 'node:https';
import http from 'node:http';
import { createSecureContext } from 'node:tls';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { checkSchema } from '../src/config/schema.js';
import { probeCheck, type Check } from '../src/probe/index.js';
import { cpuOf, fmt, median, startTarget, type Figure } from './lib.js';

const PROBES = 400;
const ROUNDS = 5;
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
      // Warm up both paths (JIT, TLS session setup code), then alternate rounds so drift hits both alike.
      const bareRequest = bareClient(url, ca);
      await perProbeCpu(bareRequest);
      await perProbeCpu(async () => void (await probeCheck(check, ctx)));
      for (let i = 0; i < ROUNDS; i++) {
        bare.push(await perProbeCpu(bareRequest));
        picket.push(
          await perProbeCpu(async () => {
            const r = await probeCheck(check, ctx);
            if (!r.ok) throw new Error(`probe failed: ${r.message}`);
          }),
        );
      }
      const ratio = median(picket) / median(bare);
      figures.push({
        figure: `probe cost (${scheme.toUpperCase()})`,
        how: `CPU per probe, ${PROBES} probes × ${ROUNDS} rounds, ${CONCURRENCY} at a time, vs bare node:${scheme}.request`,
        value: `${fmt(median(picket), 3)} ms CPU`,
        baseline: `${fmt(median(bare), 3)} ms CPU`,
        ratio,
        target: scheme === 'https' ? '≤ 1.25×' : 'reported',
        pass: scheme === 'https' ? ratio <= 1.25 : true,
      });
    }
    return figures;
  } finally {
    target.stop();
  }
}
