import { beforeAll, describe, expect, it } from 'vitest';
import type { Observation, RequestObservation } from '../../src/correlate/observation.js';
import { post, startPicket, type TestPicket } from '../helpers/picket.js';

const TOKEN = 'telemetry-token-1';
let picket: TestPicket;
const observed: Observation[] = [];

beforeAll(async () => {
  picket = await startPicket(
    `
services:
  auth: { routes: ["/auth/*"] }
  orders: { routes: ["/v1/orders*"] }
telemetry: { token: "\${TOKEN}", maxBatchRecords: 50 }
`,
    { env: { TOKEN } },
  );
  picket.runtime.observe((o) => observed.push(o));
});

const send = (body: string, headers: Record<string, string> = {}) =>
  post(`${picket.url}/v1/events`, body, { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers });

const record = (over: Record<string, unknown> = {}) => ({
  ts: '2026-11-23T20:00:00.123Z', method: 'POST', route: '/auth/login', status: 401, latencyMs: 35, ip: '203.0.113.9', user: 'alice@example.com', auth: 'failure', bytesOut: 120, ua: 'curl/8', country: 'DE', asn: 3320, ...over,
});

describe('POST /v1/events', () => {
  it('keeps the good records of a batch and rejects the bad ones by index', async () => {
    const batch = [
      record(),
      record({ status: 'oops' }),
      record({ ip: 'not-an-ip' }),
      record({ ts: 1795471200123, route: undefined, path: '/v1/orders/12345?token=abc', status: 200, auth: 'success', user: undefined }),
      record({ route: undefined }),
      record({ extra: 'ignored', auth: 'maybe' }),
    ];
    const r = await send(JSON.stringify(batch));
    expect(r.status).toBe(202);
    expect(r.body).toEqual({
      accepted: 2,
      rejected: 4,
      errors: [
        { index: 1, error: 'status must be an integer from 100 to 599' },
        { index: 2, error: 'ip must be an IPv4 or IPv6 address' },
        { index: 4, error: 'route (or path) is required' },
        { index: 5, error: 'auth must be success, failure or none' },
      ],
    });
    const requests = observed.filter((o): o is RequestObservation => o.type === 'request');
    expect(requests.map((o) => [o.service, o.route, o.status, o.auth])).toEqual([
      ['auth', '/auth/login', 401, 'failure'],
      ['orders', '/v1/orders/:id', 200, 'success'],
    ]);
    expect(requests[0]).toMatchObject({ ts: Date.parse('2026-11-23T20:00:00.123Z'), ip: '203.0.113.9', user: 'alice@example.com', country: 'DE', asn: 3320 });
  });

  it('takes NDJSON, rejecting a line that is not JSON, and aggregates per minute with failed-login evidence', async () => {
    const lines = [record({ ts: '2026-11-23T21:00:01Z' }), record({ ts: '2026-11-23T21:00:40Z', latencyMs: 90 }), 'not json', record({ ts: '2026-11-23T21:01:02Z', status: 200, auth: 'success' })];
    const r = await send(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(r.body).toMatchObject({ accepted: 3, rejected: 1, errors: [{ index: 2, error: 'line is not valid JSON' }] });
    const minute = Math.floor(Date.parse('2026-11-23T21:00:00Z') / 60_000);
    const rows = picket.runtime.store.db.prepare('SELECT minute, route, status, auth, count, latency_sum_ms, latency_max_ms, bytes_out FROM telemetry_minutes WHERE service = ? AND minute >= ? ORDER BY minute, status').all('auth', minute);
    expect(rows).toEqual([
      { minute, route: '/auth/login', status: 401, auth: 'failure', count: 2, latency_sum_ms: 125, latency_max_ms: 90, bytes_out: 240 },
      { minute: minute + 1, route: '/auth/login', status: 200, auth: 'success', count: 1, latency_sum_ms: 35, latency_max_ms: 35, bytes_out: 120 },
    ]);
    expect(picket.runtime.store.db.prepare("SELECT count(*) FROM auth_failures WHERE ts >= ?").pluck().get(Date.parse('2026-11-23T21:00:00Z'))).toBe(2);
  });

  it.each([
    ['401 without the token', () => post(`${picket.url}/v1/events`, '[]', { 'content-type': 'application/json' }), 401],
    ['401 with a wrong token', () => send('[]', { authorization: 'Bearer wrong' }), 401],
    ['415 for another content type', () => send('[]', { 'content-type': 'text/csv' }), 415],
    ['400 for a body that is not JSON', () => send('[{"ts":'), 400],
    ['413 for more records than a batch may hold', () => send(JSON.stringify(Array.from({ length: 51 }, () => record()))), 413],
  ])('%s', async (_what, go, status) => {
    const r = await go();
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ error: expect.any(String), detail: expect.any(String) });
  });
});

describe('telemetry times', () => {
  it('rejects a record dated outside 2000–2100 instead of stretching detection windows across it', async () => {
    const r = await send(JSON.stringify([{ ts: 1e308, route: '/auth/login', status: 401, ip: '203.0.113.9' }, { ts: '0001-01-01T00:00:00Z', route: '/x', status: 200, ip: '203.0.113.9' }]));
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ accepted: 0, rejected: 2, errors: [{ index: 0, error: 'ts must be between the years 2000 and 2100' }, { index: 1, error: 'ts must be between the years 2000 and 2100' }] });
  });
});
