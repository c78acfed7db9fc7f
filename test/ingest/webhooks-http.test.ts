import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExternalObservation, Observation } from '../../src/correlate/observation.js';
import { sign, signingKey } from '../../src/standard-webhooks.js';
import { fixture } from '../helpers/fixtures.js';
import { post, startPicket, type TestPicket } from '../helpers/picket.js';

const LAGNIS_SECRET = 'lagnis-test-secret';
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let picket: TestPicket;
const observed: Observation[] = [];

const CONFIG = `
services:
  auth: { name: Authentication API, routes: ["/auth/*"], monitors: ["https://api.example.com/auth/health"] }
  orders: { routes: ["/v1/orders*"] }
sources:
  lagnis: { format: lagnis, auth: { type: hmac-sha256, header: X-Signature, prefix: "sha256=", secret: "\${LAGNIS_SECRET}" }, maxBodyBytes: 4KiB }
  am: { format: alertmanager, auth: { type: bearer, token: "\${AM_TOKEN}" } }
  robot: { format: uptimerobot, auth: { type: none } }
  kuma: { format: uptimekuma, auth: { type: standard-webhooks, secret: "\${SW_SECRET}" } }
  slow: { format: lagnis, auth: { type: none }, rateLimit: 3 }
`;

const lagnisSig = (body: string) => `sha256=${createHmac('sha256', LAGNIS_SECRET).update(body).digest('hex')}`;
const postLagnis = (body: string, headers: Record<string, string> = {}) =>
  post(`${picket.url}/ingest/lagnis`, body, { 'content-type': 'application/json', 'x-signature': lagnisSig(body), ...headers });

beforeAll(async () => {
  picket = await startPicket(CONFIG, { env: { LAGNIS_SECRET, AM_TOKEN: 'am-token', SW_SECRET } });
  picket.runtime.observe((o) => observed.push(o));
});

describe('POST /ingest/:source', () => {
  it('answers 202 with an id after the event is committed, stored normalized and raw, matched to its service', async () => {
    const body = fixture('webhooks/lagnis-down.json');
    const r = await postLagnis(body);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ id: expect.any(Number) });
    const db = picket.runtime.store.db;
    const delivery = db.prepare('SELECT source, raw_body FROM webhook_deliveries WHERE id = ?').get(r.body.id) as { source: string; raw_body: Buffer };
    expect(delivery.source).toBe('lagnis');
    expect(delivery.raw_body.toString()).toBe(body);
    expect(db.prepare('SELECT state, service, service_derived, status_code FROM external_events WHERE delivery_id = ?').get(r.body.id)).toEqual({
      state: 'down', service: 'auth', service_derived: 0, status_code: 503,
    });
    const o = observed.find((x): x is ExternalObservation => x.type === 'external' && x.event.eventId === 'monitor.down:i-9:1795464000000');
    expect(o).toMatchObject({ service: 'auth', serviceDerived: false, event: { state: 'down', monitorKey: 'm-17' } });
  });

  it('answers a duplicate (same body within 24 h) with the first id and does not process it twice', async () => {
    const body = JSON.stringify({ event: 'monitor.down', monitor: { id: 'dup-1', url: 'https://dup.example/' }, check: { status: 'down' } });
    const first = await postLagnis(body);
    const count = observed.length;
    const second = await postLagnis(body);
    expect(second).toMatchObject({ status: 202, body: { id: first.body.id, duplicate: true } });
    expect(observed.length).toBe(count);
  });

  it('answers the same source event id in a different body with the first id', async () => {
    const a = JSON.stringify({ event: 'monitor.up', monitor: { id: 'm-5' }, check: { status: 'up', checked_at: '2026-11-23T10:00:00Z' }, incident: { id: 'i-5' } });
    const b = JSON.stringify({ event: 'monitor.up', monitor: { id: 'm-5', name: 'renamed' }, check: { status: 'up', checked_at: '2026-11-23T10:00:00Z' }, incident: { id: 'i-5' } });
    const first = await postLagnis(a);
    expect(await postLagnis(b)).toMatchObject({ status: 202, body: { id: first.body.id, duplicate: true } });
  });

  it('treats two copies arriving at the same moment as one', async () => {
    const body = JSON.stringify({ event: 'monitor.down', monitor: { id: 'race-1' }, check: { status: 'down' } });
    const [a, b] = await Promise.all([postLagnis(body), postLagnis(body)]);
    expect(a.body.id).toBe(b.body.id);
    expect([a.body.duplicate, b.body.duplicate].filter(Boolean)).toHaveLength(1);
  });

  it('stores each alert of a mixed Alertmanager message and flags services derived from the URL host', async () => {
    const r = await post(`${picket.url}/ingest/am`, fixture('webhooks/alertmanager-mixed.json'), { 'content-type': 'application/json', authorization: 'Bearer am-token' });
    expect(r.status).toBe(202);
    const rows = picket.runtime.store.db.prepare('SELECT state, service, service_derived FROM external_events WHERE delivery_id = ? ORDER BY id').all(r.body.id);
    expect(rows).toEqual([
      { state: 'down', service: 'auth', service_derived: 0 },
      { state: 'up', service: 'orders', service_derived: 0 },
    ]);
  });

  it('accepts form-encoded UptimeRobot alerts and derives a service for an unknown monitor', async () => {
    const form = fixture('webhooks/uptimerobot-up.form').replace('api.example.com', 'status.other.example');
    const r = await post(`${picket.url}/ingest/robot`, form, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(r.status).toBe(202);
    expect(picket.runtime.store.db.prepare('SELECT service, service_derived FROM external_events WHERE delivery_id = ?').get(r.body.id)).toEqual({
      service: 'status.other.example', service_derived: 1,
    });
  });

  it('verifies Standard Webhooks signatures and answers a replayed webhook-id with the first id', async () => {
    const body = fixture('webhooks/uptimekuma-down.json');
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_replay_1', 'webhook-timestamp': ts, 'webhook-signature': sign(signingKey(SW_SECRET), 'msg_replay_1', ts, body) };
    const first = await post(`${picket.url}/ingest/kuma`, body, headers);
    expect(first.status).toBe(202);
    const ts2 = String(Math.floor(Date.now() / 1000) + 1);
    const other = body.replace('503', '504');
    const replay = await post(`${picket.url}/ingest/kuma`, other, { ...headers, 'webhook-timestamp': ts2, 'webhook-signature': sign(signingKey(SW_SECRET), 'msg_replay_1', ts2, other) });
    expect(replay).toMatchObject({ status: 202, body: { id: first.body.id, duplicate: true } });
    const stale = String(Math.floor(Date.now() / 1000) - 600);
    expect((await post(`${picket.url}/ingest/kuma`, body, { ...headers, 'webhook-id': 'msg_2', 'webhook-timestamp': stale, 'webhook-signature': sign(signingKey(SW_SECRET), 'msg_2', stale, body) })).status).toBe(401);
  });

  it.each([
    ['404 for an unknown source', () => post(`${picket.url}/ingest/nope`, '{}', { 'content-type': 'application/json' }), 404, 'unknown_source'],
    ['401 for a bad signature', () => postLagnis(fixture('webhooks/lagnis-down.json'), { 'x-signature': lagnisSig('other body') }), 401, 'unauthorized'],
    ['401 for a missing signature', () => post(`${picket.url}/ingest/lagnis`, '{}', { 'content-type': 'application/json' }), 401, 'unauthorized'],
    ['401 for a wrong bearer token', () => post(`${picket.url}/ingest/am`, '{}', { 'content-type': 'application/json', authorization: 'Bearer nope' }), 401, 'unauthorized'],
    ['415 for a wrong content type', () => postLagnis('{}', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
    ['415 without a content type', () => post(`${picket.url}/ingest/lagnis`, Buffer.from('{}'), { 'x-signature': lagnisSig('{}') }), 415, 'unsupported_media_type'],
    ['415 for form data to a JSON-only source', () => postLagnis('a=1', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
    ['400 for a body that is not JSON', () => postLagnis('{"event": "monitor.down",'), 400, 'malformed'],
    ['422 for JSON that is not the shape', () => postLagnis('{"hello": "world"}'), 422, 'unprocessable'],
    ['413 for a body over the source limit', () => postLagnis(JSON.stringify({ pad: 'x'.repeat(5000) })), 413, 'payload_too_large'],
    ['413 for a body over every limit', () => postLagnis(JSON.stringify({ pad: 'x'.repeat(2_000_000) })), 413, 'payload_too_large'],
  ])('%s', async (_what, send, status, error) => {
    const r = await send();
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error, detail: expect.any(String) });
  });

  it('answers 429 with Retry-After past the source rate limit', async () => {
    const body = (i: number) => JSON.stringify({ event: 'monitor.up', monitor: { id: `rl-${i}` }, check: { status: 'up' } });
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => post(`${picket.url}/ingest/slow`, body(i), { 'content-type': 'application/json' })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0]!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answers.filter((a) => a.status === 202).length).toBeGreaterThanOrEqual(3);
  });

  it('answers 503 with Retry-After when the store cannot commit, and 202 again once it can', async () => {
    const db = picket.runtime.store.db;
    db.pragma('query_only = ON');
    const body = JSON.stringify({ event: 'monitor.down', monitor: { id: 'ro-1' }, check: { status: 'down' } });
    try {
      const r = await postLagnis(body);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(r.body.error).toBe('store_unavailable');
    } finally {
      db.pragma('query_only = OFF');
    }
    expect((await postLagnis(body)).status).toBe(202);
  });
});

describe('GET /api/v1/external-events', () => {
  it('lists normalized events newest first, by source, with a cursor', async () => {
    const all = await (await fetch(`${picket.url}/api/v1/external-events?limit=2`)).json() as { events: { id: number }[]; next: number };
    expect(all.events).toHaveLength(2);
    expect(all.events[0]!.id).toBeGreaterThan(all.events[1]!.id);
    const page2 = await (await fetch(`${picket.url}/api/v1/external-events?limit=2&before=${all.next}`)).json() as { events: { id: number }[] };
    expect(page2.events[0]!.id).toBeLessThan(all.events[1]!.id);
    const am = await (await fetch(`${picket.url}/api/v1/external-events?source=am`)).json() as { events: Record<string, unknown>[] };
    expect(am.events.map((e) => e.name)).toEqual(['HighLatency', 'ProbeFailed']);
    expect(am.events[0]).toMatchObject({ source: 'am', state: 'up', service: 'orders', serviceDerived: false, monitorKey: 'orders-api:8080' });
    expect((await fetch(`${picket.url}/api/v1/external-events?limit=0`)).status).toBe(400);
  });
});
