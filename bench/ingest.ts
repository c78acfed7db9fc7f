import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Request } from 'autocannon';
import Database from 'better-sqlite3';
import { LAGNIS_SECRET, nextWebhook } from './lagnis-webhook.js';
import type { PacedRound } from './paced-sender.js';
import { CLI, fmt, median, picketLoopLagMs, pinSelf, resultOfChild, spawnPinned, sum, tempDir, type Figure, type Spawned } from './lib.js';

const TOKEN = 'bench-telemetry-token';
const SECONDS = 8;
const ROUNDS = 3;
/**
 * Pairs of rounds (bare, then picket) for the webhook ratio. The ratio is the median of the pairs' ratios: the shared
 * machine's load moves both sides of a pair alike, and it moves between pairs by a third.
 */
const WEBHOOK_PAIRS = 5;

async function startPicket(): Promise<{ picket: Spawned; url: string; db: string }> {
  const dir = tempDir();
  writeFileSync(
    path.join(dir, 'picket.yaml'),
    `server: { host: 127.0.0.1, port: 0 }
storage: { path: ./picket.db }
services:
  auth: { routes: ["/auth/*"], monitors: ["m-0"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, prefix: "sha256=", secret: "${LAGNIS_SECRET}" }, rateLimit: 1000000 }
telemetry: { token: "${TOKEN}" }
`,
  );
  const picket = spawnPinned(0, [CLI, 'start', '--config', path.join(dir, 'picket.yaml'), '--log-level', 'info']);
  const m = await picket.waitFor(/"url":"(http:\/\/[^"]+)","msg":"listening"/);
  return { picket, url: m[1]!, db: path.join(dir, 'picket.db') };
}

function signedWebhook(request: Request): Request {
  const { body, headers } = nextWebhook();
  request.body = body;
  request.headers = { ...request.headers, ...headers };
  return request;
}

/**
 * One round of webhooks at `perSecond` from bench/paced-sender.ts, a fresh process on this process's core: in this
 * process, what the suites before left in its heap made the sender stall up to 29 ms and doubled the p99.
 */
function pacedRound(url: string, perSecond: number, seconds: number): Promise<PacedRound> {
  const sender = fileURLToPath(new URL('./paced-sender.ts', import.meta.url));
  return resultOfChild(process.execPath, ['--import', 'tsx', sender, url, String(perSecond), String(seconds)], 'paced sender');
}

function load(url: string, opts: { connections: number; body?: string; headers?: Record<string, string>; signed?: boolean }) {
  return autocannon({
    url,
    method: 'POST',
    connections: opts.connections,
    duration: SECONDS,
    body: opts.body,
    headers: opts.headers,
    requests: opts.signed ? [{ setupRequest: signedWebhook }] : undefined,
  });
}

const deliveries = (db: string) => {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT count(*) FROM webhook_deliveries').pluck().get() as number;
  } finally {
    d.close();
  }
};

/** Signed Lagnis webhooks and telemetry batches against `picket start`, with a bare 202 server as the ceiling. */
export async function run(): Promise<Figure[]> {
  const unpin = pinSelf(1);
  const bareScript = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
  const bare = spawnPinned(0, [bareScript]);
  const bareUrl = (await bare.waitFor(/"url":"(http:\/\/[^"]+)"/))[1]!;
  const { picket, url, db } = await startPicket();
  const figures: Figure[] = [];
  try {
    await picketLoopLagMs(url);
    const committed: number[] = [];
    const bareRates: number[] = [];
    const pairRatios: number[] = [];
    for (let i = 0; i < WEBHOOK_PAIRS; i++) {
      const bareRate = (await load(bareUrl, { connections: 32, signed: true }))['2xx'] / SECONDS;
      const before = deliveries(db);
      const p = await load(`${url}/ingest/lagnis`, { connections: 32, signed: true });
      if (p.non2xx > 0 || p.errors > 0) throw new Error(`picket answered ${p.non2xx} non-2xx and ${p.errors} errors`);
      const rate = (deliveries(db) - before) / SECONDS;
      bareRates.push(bareRate);
      committed.push(rate);
      pairRatios.push(rate / bareRate);
    }
    const ratio = median(pairRatios);
    figures.push({
      figure: 'webhook ingest',
      how: `signed Lagnis webhooks (HMAC-SHA256, unique bodies), autocannon 32 connections × ${SECONDS} s, ${WEBHOOK_PAIRS} pairs of rounds (bare, picket), picket on one core; rows committed per second; ratio is the median of the pairs'`,
      value: `${fmt(median(committed), 0)}/s committed`,
      baseline: `${fmt(median(bareRates), 0)}/s (bare node:http 202)`,
      ratio,
      target: '≥ 5,000/s and ≥ 0.35× bare',
      pass: median(committed) >= 5_000 && ratio >= 0.35,
      note: `pairs' ratios ${pairRatios.map((r) => `${fmt(r, 2)}×`).join(', ')}`,
      loopLagMs: await picketLoopLagMs(url),
    });

    // The median of rounds' p99s: the first round, right after the floods, meets the checkpoint thread still catching
    // up (10–22 ms against 6–10 in the next), and one slow moment of the shared machine moves a single round as much.
    const paced: PacedRound[] = [];
    for (let i = 0; i < ROUNDS; i++) paced.push(await pacedRound(`${url}/ingest/lagnis`, 1_000, SECONDS));
    const p99 = median(paced.map((r) => r.p99));
    const failed = sum(paced.map((r) => r.failed));
    figures.push({
      figure: 'webhook latency',
      how: `signed Lagnis webhooks at 1,000/s from a sender process of its own, one due every 1 ms whatever the answers, ${SECONDS} s × ${ROUNDS}, each timed from when it was due; median of the rounds`,
      value: `p50 ${fmt(median(paced.map((r) => r.p50)))} ms, p99 ${fmt(p99)} ms, max ${fmt(Math.max(...paced.map((r) => r.max)))} ms`,
      target: 'p99 ≤ 20 ms',
      pass: p99 <= 20 && failed === 0,
      note: `rounds' p99 ${paced.map((r) => `${fmt(r.p99)} ms`).join(', ')}; ${ROUNDS * SECONDS * 1_000} requests, ${failed} not answered 202; the sender's longest stall ${paced.map((r) => `${fmt(r.senderLagMs)} ms`).join(', ')}`,
      loopLagMs: await picketLoopLagMs(url),
    });

    const records = Array.from({ length: 1000 }, (_, i) => ({
      ts: Date.now(), method: 'POST', route: '/auth/login', status: i % 10 ? 200 : 401, latencyMs: 30 + (i % 17), ip: `203.0.113.${i % 250}`,
      user: `user${i % 300}@example.com`, auth: i % 10 ? 'success' : 'failure', bytesOut: 120 + (i % 40), country: 'DE', asn: 3320,
    }));
    const rates: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = await load(`${url}/v1/events`, { connections: 8, body: JSON.stringify(records), headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
      if (t.non2xx > 0) throw new Error(`telemetry answered ${t.non2xx} non-2xx`);
      rates.push((t['2xx'] * 1000) / SECONDS);
    }
    figures.push({
      figure: 'telemetry ingest',
      how: `POST /v1/events with batches of 1,000 records, autocannon 8 connections × ${SECONDS} s × ${ROUNDS}`,
      value: `${fmt(median(rates), 0)} records/s`,
      target: '≥ 50,000 records/s',
      pass: median(rates) >= 50_000,
      loopLagMs: await picketLoopLagMs(url),
    });
  } finally {
    await picket.stop();
    await bare.stop();
    unpin();
  }
  return figures;
}
