import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../src/simulate/prng.js';
import { fmt, median, tempDir, type Figure } from './lib.js';

const RECORDS = 1_000_000;
const IPS = 100_000;
const ROUNDS = 3;

/** 1M telemetry records over 12 hours from 100k distinct addresses: reads, logins with some failures, a few attackers. */
async function writeTraffic(file: string): Promise<void> {
  const rng = new Prng(42);
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 10, 23);
  const step = (12 * 3_600_000) / RECORDS;
  for (let i = 0; i < RECORDS; i++) {
    const ip = `${10 + (i % 7)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${(i * 7919) % IPS % 250}`;
    const user = `user${rng.int(0, 49_999)}@example.com`;
    const roll = rng.next();
    const r =
      roll < 0.1
        ? { ts: Math.round(start + i * step), method: 'POST', route: '/auth/login', status: roll < 0.01 ? 401 : 200, ip, user, auth: roll < 0.01 ? 'failure' : 'success', latencyMs: 90, bytesOut: 400, asn: 64_500 + (i % 50), country: 'DE' }
        : { ts: Math.round(start + i * step), method: 'GET', route: '/v1/orders/:id', path: `/v1/orders/${rng.int(1, 900_000)}`, status: roll > 0.999 ? 500 : 200, ip, user, auth: 'none', latencyMs: 40, bytesOut: 2_000, asn: 64_500 + (i % 50), country: 'DE' };
    if (!out.write(`${JSON.stringify(r)}\n`)) await new Promise<void>((res) => out.once('drain', () => res()));
  }
  await new Promise<void>((res) => out.end(() => res()));
}

interface WorkerResult {
  records: number;
  seconds: number;
  perSecond: number;
  maxRssMb: number;
  incidents: number;
}

function replay(file: string, bare: boolean): Promise<WorkerResult> {
  const worker = fileURLToPath(new URL('./replay-worker.ts', import.meta.url));
  const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', worker, file, ...(bare ? ['--bare'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as WorkerResult) : reject(new Error(`replay worker exited ${code}`)))));
}

/** Replay throughput on one core and peak memory, against reading and parsing the same file. */
export async function run(): Promise<Figure[]> {
  const file = path.join(tempDir(), 'traffic.ndjson');
  await writeTraffic(file);
  const bare: WorkerResult[] = [];
  const full: WorkerResult[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    bare.push(await replay(file, true));
    full.push(await replay(file, false));
  }
  const rate = median(full.map((r) => r.perSecond));
  const rss = Math.max(...full.map((r) => r.maxRssMb));
  return [
    {
      figure: 'replay',
      how: `${RECORDS.toLocaleString('en')} records from ${IPS.toLocaleString('en')} addresses through every detector and the correlator, one core, ${ROUNDS} rounds`,
      value: `${fmt(rate, 0)} events/s, peak RSS ${fmt(rss, 0)} MB`,
      baseline: `${fmt(median(bare.map((r) => r.perSecond)), 0)} lines/s read and parsed`,
      ratio: rate / median(bare.map((r) => r.perSecond)),
      target: '≥ 200,000 events/s; RSS ≤ 300 MB',
      pass: rate >= 200_000 && rss <= 300,
      note: `${full[0]!.incidents} incidents`,
    },
  ];
}
