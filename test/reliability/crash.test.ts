import { createHmac } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { killHard, readDb, startPicketProcess } from '../helpers/process-picket.js';
import { startServer } from '../helpers/servers.js';
import { tempDir, writeTree } from '../helpers/temp.js';

const SECRET = 'crash-test-lagnis-secret';
const TOKEN = 'crash-test-telemetry-token';

const webhookBody = (n: number) =>
  JSON.stringify({ event: 'monitor.down', monitor: { id: `m-${n % 7}`, url: 'https://api.example.com/auth/health' }, check: { status: 'down', status_code: 503 }, incident: { id: `i-${n}` } });

/** POSTs and returns the status and JSON answer, or null when no answer came (the process is gone). */
async function postTo(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: { accepted?: number } } | null> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: (await res.json()) as { accepted?: number } };
  } catch {
    return null;
  }
}

const postWebhook = async (url: string, body: string) =>
  (await postTo(`${url}/ingest/lagnis`, body, { 'x-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` }))?.status ?? null;

async function postTelemetry(url: string, records: unknown[]): Promise<number | null> {
  const r = await postTo(`${url}/v1/events`, JSON.stringify(records), { authorization: `Bearer ${TOKEN}` });
  return r?.status === 202 ? (r.body.accepted ?? 0) : null;
}

describe('kill -9 and restart', () => {
  it('keeps every webhook and telemetry record that got a 2xx, once; resent ones are not stored twice', async () => {
    const dir = writeTree(tempDir(), {
      'picket.yaml': `server: { host: 127.0.0.1, port: 0 }
storage: { path: ./picket.db }
services:
  auth: { routes: ["/auth/*"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, prefix: "sha256=", secret: "${SECRET}" }, rateLimit: 100000 }
telemetry: { token: "${TOKEN}" }
`,
    });
    const first = await startPicketProcess(dir);
    const acked = new Set<number>();
    const sent: number[] = [];
    let telemetryAcked = 0;
    let telemetrySent = 0;
    let n = 0;
    let streaming = true;
    // Four webhook senders and one telemetry sender at a steady rate, until the process is gone.
    const webhookLoop = async () => {
      while (streaming) {
        const i = n++;
        sent.push(i);
        if ((await postWebhook(first.url, webhookBody(i))) === 202) acked.add(i);
        else return;
      }
    };
    const telemetryLoop = async () => {
      while (streaming) {
        const batch = Array.from({ length: 50 }, () => ({ ts: Date.now(), method: 'POST', route: '/auth/login', status: 401, ip: '203.0.113.9', user: 'u', auth: 'failure' }));
        telemetrySent += batch.length;
        const accepted = await postTelemetry(first.url, batch);
        if (accepted === null) return;
        telemetryAcked += accepted;
        await sleep(5);
      }
    };
    const loops = [webhookLoop(), webhookLoop(), webhookLoop(), webhookLoop(), telemetryLoop()];
    await sleep(1_500);
    await killHard(first);
    streaming = false;
    await Promise.all(loops);
    expect(acked.size).toBeGreaterThan(50);
    expect(telemetryAcked).toBeGreaterThan(500);

    const db = path.join(dir, 'picket.db');
    const second = await startPicketProcess(dir);
    const stored = () =>
      readDb(db, (d) => {
        const bodies = (d.prepare("SELECT raw_body FROM webhook_deliveries WHERE source = 'lagnis'").pluck().all() as Buffer[]).map((b) => JSON.parse(b.toString()).incident.id as string);
        const telemetry = (d.prepare('SELECT coalesce(sum(count), 0) FROM telemetry_minutes').pluck().get() as number) ?? 0;
        return { bodies, telemetry };
      });
    const afterCrash = stored();
    for (const i of acked) expect(afterCrash.bodies, `acknowledged webhook i-${i}`).toContain(`i-${i}`);
    expect(new Set(afterCrash.bodies).size).toBe(afterCrash.bodies.length);
    expect(afterCrash.telemetry).toBeGreaterThanOrEqual(telemetryAcked);
    expect(afterCrash.telemetry).toBeLessThanOrEqual(telemetrySent);

    // Senders retry what got no answer; what had been committed is answered as a duplicate, never stored again.
    for (const i of sent.filter((x) => !acked.has(x))) expect(await postWebhook(second.url, webhookBody(i))).toBe(202);
    const afterRetry = stored();
    expect(afterRetry.bodies.length).toBe(sent.length);
    expect(new Set(afterRetry.bodies).size).toBe(sent.length);
    second.proc.child.kill('SIGTERM');
    expect((await second.proc.done).code).toBe(0);
  }, 60_000);

  it('delivers every page once per idempotency key across a kill during delivery, and fires the level that fell due while down', async () => {
    const received: { key: string; at: number }[] = [];
    const receiver = await startServer((req, res) => {
      received.push({ key: String(req.headers['webhook-id']), at: Date.now() });
      // Slow enough that the kill lands while the first page is in flight.
      setTimeout(() => res.end('ok'), 800);
    });
    const target = await startServer((_req, res) => {
      res.statusCode = 503;
      res.end('down');
    });
    const dir = writeTree(tempDir(), {
      'picket.yaml': `server: { host: 127.0.0.1, port: 0 }
storage: { path: ./picket.db }
services:
  auth: { routes: ["/auth/*"] }
channels:
  hook: { type: webhook, url: "${receiver.url}/page", secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw }
escalation:
  policies: { default: [ { after: 0s, notify: [hook] }, { after: 4s, notify: [hook] } ] }
  routes: [ { match: {}, policy: default } ]
  repeat: 0s
`,
      'checks/auth.yaml': `- { id: auth-health, service: auth, kind: http, url: "${target.url}/health", interval: 1s, failureThreshold: 1, confirmRetries: 0 }\n`,
    });
    const first = await startPicketProcess(dir);
    for (let i = 0; i < 100 && received.length === 0; i++) await sleep(50);
    expect(received).toHaveLength(1);
    await killHard(first);
    const killedAt = Date.now();
    const second = await startPicketProcess(dir);
    for (let i = 0; i < 200 && new Set(received.map((r) => r.key)).size < 2; i++) await sleep(50);
    const keys = [...new Set(received.map((r) => r.key))];
    expect(keys).toHaveLength(2);
    // The level-0 page was in flight at the kill: it comes again under the same key, which the receiver keeps once.
    expect(received.filter((r) => r.key === keys[0]).length).toBeGreaterThanOrEqual(1);
    expect(received.filter((r) => r.key === keys[1]!).length).toBe(1);
    expect(received.find((r) => r.key === keys[1])!.at).toBeGreaterThan(killedAt);

    // A clean restart sends nothing that was delivered.
    second.proc.child.kill('SIGTERM');
    expect((await second.proc.done).code).toBe(0);
    const count = received.length;
    const third = await startPicketProcess(dir);
    await sleep(2_500);
    expect(received.length).toBe(count);
    third.proc.child.kill('SIGTERM');
    expect((await third.proc.done).code).toBe(0);
  }, 60_000);

  it('SIGTERM with a probe hanging: exits 0 within the bound, results before it are stored', async () => {
    const hanging = await startServer(() => undefined);
    const ok = await startServer((_req, res) => res.end('ok'));
    const dir = writeTree(tempDir(), {
      'picket.yaml': 'server: { host: 127.0.0.1, port: 0 }\nstorage: { path: ./picket.db }\nservices:\n  auth: {}\n',
      'checks/a.yaml': `- { id: hangs, service: auth, kind: http, url: "${hanging.url}/", interval: 1s, timeout: 30s }\n- { id: answers, service: auth, kind: http, url: "${ok.url}/", interval: 1s }\n`,
    });
    const p = await startPicketProcess(dir);
    await sleep(2_500);
    const sent = Date.now();
    p.proc.child.kill('SIGTERM');
    const r = await p.proc.done;
    const took = Date.now() - sent;
    expect(r.code, p.proc.output).toBe(0);
    expect(took).toBeLessThan(10_000);
    const runs = readDb(path.join(dir, 'picket.db'), (d) => d.prepare("SELECT count(*) FROM probe_results r JOIN checks c ON c.key = r.check_key WHERE c.id = 'answers'").pluck().get() as number);
    expect(runs).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
