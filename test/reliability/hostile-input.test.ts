import { createHmac } from 'node:crypto';
import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { sign, signingKey } from '../../src/standard-webhooks.js';
import { verifySource } from '../../src/ingest/auth/index.js';
import { post, startPicket, type TestPicket } from '../helpers/picket.js';
import { startServer, type TestServer } from '../helpers/servers.js';

const HMAC_SECRET = 'hostile-hmac-secret';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let picket: TestPicket;
/** A server that counts every request: URLs inside bodies point at it, and picket must never call it. */
let bait: TestServer;

beforeAll(async () => {
  bait = await startServer((_req, res) => res.end('ok'));
  picket = await startPicket(
    `services:
  auth: { routes: ["/auth/*"], monitors: ["${'$'}{BAIT}/auth/health"] }
sources:
  signed: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, prefix: "sha256=", secret: "${HMAC_SECRET}", timestampHeader: X-Timestamp } }
  kuma: { format: uptimekuma, auth: { type: standard-webhooks, secret: "${SW_SECRET}" } }
  flooded: { format: lagnis, auth: { type: none }, rateLimit: 20 }
  calm: { format: lagnis, auth: { type: none }, rateLimit: 20 }
telemetry: { token: hostile-telemetry }
`,
    { env: { BAIT: bait.url } },
  );
});

const lagnis = (id: string, url = 'https://api.example.com/auth/health') => JSON.stringify({ event: 'monitor.down', monitor: { id, url }, check: { status: 'down' } });
const hmac = (ts: string, body: string) => `sha256=${createHmac('sha256', HMAC_SECRET).update(`${ts}.${body}`).digest('hex')}`;

/** Sends bytes as they are over a socket: for what fetch refuses to send (duplicate or huge headers). */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { port } = new URL(picket.url);
    const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

describe('hostile headers', () => {
  it('refuses a signature over a different body, and timestamps far in the past or future', async () => {
    const body = lagnis('m-1');
    const now = String(Math.floor(Date.now() / 1000));
    expect((await post(`${picket.url}/ingest/signed`, body, { 'content-type': 'application/json', 'x-timestamp': now, 'x-signature': hmac(now, body) })).status).toBe(202);
    expect((await post(`${picket.url}/ingest/signed`, body, { 'content-type': 'application/json', 'x-timestamp': now, 'x-signature': hmac(now, lagnis('m-2')) })).status).toBe(401);
    for (const skew of [-3600, -310, 310, 86_400 * 365]) {
      const ts = String(Math.floor(Date.now() / 1000) + skew);
      const r = await post(`${picket.url}/ingest/signed`, lagnis(`m-skew${skew}`), { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': hmac(ts, lagnis(`m-skew${skew}`)) });
      expect(r.status, `skew ${skew} s`).toBe(401);
    }
    for (const ts of ['', 'abc', '1e308', '-1', '99999999999999999999']) {
      const r = await post(`${picket.url}/ingest/signed`, body, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': hmac(ts, body) });
      expect(r.status, `timestamp "${ts}"`).toBe(401);
    }
  });

  it('refuses two signature headers, even when one of them is right', async () => {
    const body = lagnis('m-dup');
    const ts = String(Math.floor(Date.now() / 1000));
    const answer = await rawRequest(
      `POST /ingest/signed HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Timestamp: ${ts}\r\nX-Signature: sha256=${'0'.repeat(64)}\r\nX-Signature: ${hmac(ts, body)}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('answers 431 to headers over the server limit and keeps serving', async () => {
    const answer = await rawRequest(`POST /ingest/signed HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Junk: ${'a'.repeat(64 * 1024)}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect((await fetch(`${picket.url}/healthz`)).status).toBe(200);
  });

  it('answers a replayed Standard Webhooks id with the first id, whatever the new body says', async () => {
    const body = JSON.stringify({ heartbeat: { status: 0, msg: 'down', time: new Date().toISOString() }, monitor: { id: 7, name: 'Auth', url: 'https://api.example.com/auth/health' }, msg: 'down' });
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = (id: string, b: string) => ({ 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sign(signingKey(SW_SECRET), id, ts, b) });
    const first = await post(`${picket.url}/ingest/kuma`, body, headers('msg_hostile_1', body));
    expect(first.status).toBe(202);
    const up = body.replace('"status":0', '"status":1');
    const replay = await post(`${picket.url}/ingest/kuma`, up, headers('msg_hostile_1', up));
    expect(replay).toMatchObject({ status: 202, body: { id: first.body.id, duplicate: true } });
  });

  it('answers wrong content types with 415', async () => {
    for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded']) {
      const body = lagnis('m-ct');
      const r = await post(`${picket.url}/ingest/flooded`, body, { 'content-type': type });
      expect(r.status, type).toBe(415);
    }
  });
});

describe('a flood on one source', () => {
  it('is answered 429 with Retry-After while other sources and telemetry keep being accepted', async () => {
    let n = 0;
    const flood = async (ms: number) => {
      const statuses: number[] = [];
      const end = Date.now() + ms;
      // Ten times the source's limit of 20 a second, from 10 senders.
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (Date.now() < end) {
            const r = await post(`${picket.url}/ingest/flooded`, lagnis(`flood-${n++}`), { 'content-type': 'application/json' });
            statuses.push(r.status);
            if (r.status === 429) expect(r.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
            await new Promise((res) => setTimeout(res, 50));
          }
        }),
      );
      return statuses;
    };
    const others: number[] = [];
    const calm = (async () => {
      for (let i = 0; i < 10; i++) {
        others.push((await post(`${picket.url}/ingest/calm`, lagnis(`calm-${i}`), { 'content-type': 'application/json' })).status);
        others.push(
          (await post(`${picket.url}/v1/events`, JSON.stringify([{ ts: Date.now(), route: '/auth/login', status: 200, ip: '198.51.100.4' }]), { 'content-type': 'application/json', authorization: 'Bearer hostile-telemetry' })).status,
        );
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    const rss = process.memoryUsage().rss;
    const statuses = await flood(2_000);
    await calm;
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(statuses.length / 2);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(20);
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
    expect(others.every((s) => s === 202)).toBe(true);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });
});

describe('URLs inside bodies', () => {
  it('are stored as data and never fetched', async () => {
    const before = bait.requests.length;
    const urls = [`${bait.url}/from-lagnis`, `${bait.url}/auth/health`];
    for (const [i, url] of urls.entries()) expect((await post(`${picket.url}/ingest/calm`, lagnis(`ssrf-${i}`, url), { 'content-type': 'application/json' })).status).toBe(202);
    await post(`${picket.url}/v1/events`, JSON.stringify([{ ts: Date.now(), path: `${bait.url}/telemetry`, route: '/auth/login', status: 401, ip: '203.0.113.7', ua: bait.url }]), {
      'content-type': 'application/json',
      authorization: 'Bearer hostile-telemetry',
    });
    await new Promise((res) => setTimeout(res, 1_500));
    expect(bait.requests.length).toBe(before);
  });
});

describe('signature checks take the same time for a right and a wrong signature', () => {
  it('differ by less than a generous bound over many alternating trials', () => {
    const auth = { type: 'hmac-sha256', header: 'X-Signature', prefix: 'sha256=', encoding: 'hex', secret: { reveal: () => HMAC_SECRET } };
    const body = Buffer.from(lagnis('timing'));
    const right = `sha256=${createHmac('sha256', HMAC_SECRET).update(body).digest('hex')}`;
    // Same length, differing in the first byte: an early-exit compare would return fastest on this one.
    const wrong = `sha256=${right[7] === '0' ? '1' : '0'}${right.slice(8)}`;
    const timeOf = (signature: string) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < 200; i++) verifySource(auth, { headers: { 'x-signature': signature }, body }, Date.now());
      return Number(process.hrtime.bigint() - t);
    };
    expect(verifySource(auth, { headers: { 'x-signature': right }, body }, Date.now())).toMatchObject({ ok: true });
    expect(verifySource(auth, { headers: { 'x-signature': wrong }, body }, Date.now())).toMatchObject({ ok: false });
    for (let i = 0; i < 20; i++) timeOf(i % 2 ? right : wrong);
    // Each trial times both back to back (in alternating order), so a burst of load elsewhere touches both sides of
    // one ratio; the median of the ratios is what is bounded.
    const ratios: number[] = [];
    for (let i = 0; i < 300; i++) {
      let r: number;
      let w: number;
      if (i % 2) {
        r = timeOf(right);
        w = timeOf(wrong);
      } else {
        w = timeOf(wrong);
        r = timeOf(right);
      }
      ratios.push(r / w);
    }
    const ratio = [...ratios].sort((x, y) => x - y)[ratios.length >> 1]!;
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.33);
  });
});
