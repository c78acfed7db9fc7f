import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../src/simulate/prng.js';
import { fmt, median, resultOfChild, tempDir, type Figure } from './lib.js';

const RECORDS = 1_000_000;
const IPS = 100_000;
const ROUNDS = 5;

/** 1M telemetry records over 12 hours from 100k distinct addresses: reads, logins with some failures, a few attackers. */
export async function writeTraffic(file: string): Promise<void> {
  const rng = new Prng(42);
  const out = createWriteStream(file);
  const start = Date.UTC(2026, 10, 23);
  const step = (12 * 3_600_000) / RECORDS;
  // A pool of exactly IPS addresses spread over the whole space, so /24s and ASNs hold a realistic few each.
  const pool = new Set<string>();
  while (pool.size < IPS) pool.add(`${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`);
  const addresses = [...pool];
  for (let i = 0; i < RECORDS; i++) {
    // Each user comes from one of two addresses of their own on one network, as real clients do.
    const u = rng.int(0, IPS / 2 - 1);
    const k = 2 * u + rng.int(0, 1);
    const ip = addresses[k]!;
    const asn = 64_500 + (u % 50);
    const user = `user${u}@example.com`;
    const roll = rng.next();
    const ts = Math.round(start + i * step);
    // Two attackers hide in the traffic: a credential stuffer trying 2,000 users, then a scraper walking order ids.
    const r =
      i >= 300_000 && i < 310_000 && i % 5 === 0
        ? { ts, method: 'POST', route: '/auth/login', status: 401, ip: '203.0.113.7', user: `victim${i}@example.com`, auth: 'failure', latencyMs: 90, bytesOut: 200, asn: 64_666, country: 'NL' }
        : i >= 600_000 && i < 620_000 && i % 4 === 0
          ? { ts, method: 'GET', route: '/v1/orders/:id', path: `/v1/orders/${100_000 + (i - 600_000) / 4}`, status: 200, ip: '198.51.100.9', auth: 'none', latencyMs: 40, bytesOut: 2_000, asn: 64_777, country: 'US' }
          : roll < 0.1
            ? { ts, method: 'POST', route: '/auth/login', status: roll < 0.01 ? 401 : 200, ip, user, auth: roll < 0.01 ? 'failure' : 'success', latencyMs: 90, bytesOut: 400, asn, country: 'DE' }
            : { ts, method: 'GET', route: '/v1/orders/:id', path: `/v1/orders/${rng.int(1, 900_000)}`, status: roll > 0.999 ? 500 : 200, ip, user, auth: 'none', latencyMs: 40, bytesOut: 2_000, asn, country: 'DE' };
    if (!out.write(`${JSON.stringify(r)}\n`)) await new Promise<void>((res) => out.once('drain', () => res()));
  }
  await new Promise<void>((res) => out.end(() => res()));
}

interface WorkerResult {
  records: number;
  seconds: number;
  perSecond: number;
  maxRssMb: number;
  /** Classes of the incidents found, in the order they opened. */
  incidents: string[];
}

function replay(file: string, bare: boolean): Promise<WorkerResult> {
  const worker = fileURLToPath(new URL('./replay-worker.mjs', import.meta.url));
  return resultOfChild(process.execPath, [worker, file, ...(bare ? ['--bare'] : [])], 'replay worker');
}

/**
 * Replay throughput and peak memory, against reading and parsing the same file on one thread. The replay uses two
 * cores as `picket replay` does: its reader thread parses and validates while the main thread runs the detectors.
 */
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
  const bareRate = median(bare.map((r) => r.perSecond));
  const rss = Math.max(...full.map((r) => r.maxRssMb));
  return [
    {
      figure: 'replay',
      how: `${RECORDS.toLocaleString('en')} records from ${IPS.toLocaleString('en')} addresses through every detector and the correlator, a reader thread and the main thread, ${ROUNDS} rounds`,
      value: `${fmt(rate, 0)} events/s, peak RSS ${fmt(rss, 0)} MB`,
      baseline: `${fmt(bareRate, 0)} lines/s read and parsed`,
      ratio: rate / bareRate,
      target: '≥ 200,000 events/s; RSS ≤ 300 MB',
      pass: rate >= 200_000 && rss <= 300,
      note: `incidents found: ${full[0]!.incidents.join(', ') || 'none'} (planted: attack.credential_stuffing, attack.scraping); rounds: ${full.map((r) => fmt(r.perSecond, 0)).join(', ')} events/s`,
    },
  ];
}
