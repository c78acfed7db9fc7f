// `npm run soak [-- minutes]`: a long run of a real `picket start` under steady load, on loopback, watching for
// what short tests cannot see: memory that grows, a scheduler that drifts, an outbox or a writer that backs up.
// 1,000 HTTP checks every 5 s, 20 signed webhooks a second and 2,000 telemetry records a second.
import { createHmac } from 'node:crypto';
import { CLI, fmt, picketConfig, rssMb, scrapeMetric, spawnPinned, startTarget } from '../lib.js';

const MINUTES = Number(process.argv[2] ?? process.env.SOAK_MINUTES ?? 10);
const SECRET = 'soak-secret';
const TOKEN = 'soak-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const target = await startTarget();
const { dir, config } = picketConfig(
  `services:
  auth: { routes: ["/auth/*"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, secret: "${SECRET}" }, rateLimit: 1000 }
telemetry: { token: "${TOKEN}" }
`,
  Array.from({ length: 1000 }, (_, i) => `- { id: c-${i}, service: auth, kind: http, url: "${target.http}/c${i}", interval: 5s }\n`).join(''),
);
const picket = spawnPinned(0, [CLI, 'start', '--config', config, '--log-level', 'info']);
const url = (await picket.waitFor(/"url":"(http:\/\/[^"]+)","msg":"listening"/))[1]!;
process.stderr.write(`soak: ${MINUTES} min, picket at ${url}, data in ${dir}\n`);

let stop = false;
let webhooks = 0;
let webhookErrors = 0;
let records = 0;
let telemetryErrors = 0;
const senders = [
  (async () => {
    for (let n = 0; !stop; n++) {
      const body = JSON.stringify({ event: n % 2 ? 'monitor.up' : 'monitor.down', monitor: { id: `m-${n % 20}` }, check: { status: n % 2 ? 'up' : 'down' }, incident: { id: `s-${n}` } });
      const res = await fetch(`${url}/ingest/lagnis`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': createHmac('sha256', SECRET).update(body).digest('hex') } });
      await res.arrayBuffer();
      if (res.status === 202) webhooks++;
      else webhookErrors++;
      await sleep(50);
    }
  })(),
  (async () => {
    while (!stop) {
      const batch = Array.from({ length: 200 }, (_, i) => ({ ts: Date.now(), route: '/auth/login', status: i % 10 ? 200 : 401, ip: `10.0.${i % 8}.${i}`, user: `u${i}`, latencyMs: 20 }));
      const res = await fetch(`${url}/v1/events`, { method: 'POST', body: JSON.stringify(batch), headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` } });
      await res.arrayBuffer();
      if (res.status === 202) records += batch.length;
      else telemetryErrors++;
      await sleep(100);
    }
  })(),
];

const samples: { minute: number; rssMb: number; lateP: number; missed: number; ready: number }[] = [];
const end = Date.now() + MINUTES * 60_000;
const t0 = Date.now();
while (Date.now() < end) {
  await sleep(Math.min(30_000, end - Date.now()));
  const ready = (await fetch(`${url}/readyz`)).status;
  const count = await scrapeMetric(url, 'picket_scheduler_lateness_seconds_count');
  const sum = await scrapeMetric(url, 'picket_scheduler_lateness_seconds_sum');
  const missed = await scrapeMetric(url, 'picket_scheduler_runs_total{outcome="missed"}');
  samples.push({ minute: (Date.now() - t0) / 60_000, rssMb: rssMb(picket.process.pid!), lateP: count ? (sum / count) * 1000 : NaN, missed, ready });
  const s = samples.at(-1)!;
  process.stderr.write(`  ${fmt(s.minute)} min  RSS ${fmt(s.rssMb)} MB  mean lateness ${fmt(s.lateP, 2)} ms  missed ${s.missed}  readyz ${s.ready}\n`);
}
stop = true;
await Promise.all(senders);
await picket.stop();
target.stop();

const quarter = Math.max(1, Math.floor(samples.length / 4));
const early = samples.slice(0, quarter).reduce((a, s) => a + s.rssMb, 0) / quarter;
const late = samples.slice(-quarter).reduce((a, s) => a + s.rssMb, 0) / quarter;
const result = {
  minutes: MINUTES,
  webhooksAccepted: webhooks,
  webhookErrors,
  telemetryRecords: records,
  telemetryErrors,
  rssEarlyMb: Math.round(early),
  rssLateMb: Math.round(late),
  rssGrowth: late / early,
  missedRuns: samples.at(-1)?.missed ?? NaN,
  notReady: samples.filter((s) => s.ready !== 200).length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
// Growth beyond a quarter between the first and the last quarter of the run, errors, or missed runs fail the soak.
const pass = result.rssGrowth < 1.25 && webhookErrors === 0 && telemetryErrors === 0 && result.missedRuns === 0 && result.notReady === 0;
process.stderr.write(`soak: ${pass ? 'pass' : 'FAIL'}\n`);
process.exitCode = pass ? 0 : 1;
