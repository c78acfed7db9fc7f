import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation, RequestObservation } from '../../src/correlate/observation.js';
import { clientIp } from '../../src/plugin/client-ip.js';
import { createPicketTelemetry, type PicketTelemetry } from '../../src/plugin/index.js';
import { closedPort } from '../helpers/servers.js';
import { startPicket, type TestPicket } from '../helpers/picket.js';

const TOKEN = 'plugin-token';
let picket: TestPicket;
const observed: RequestObservation[] = [];

beforeAll(async () => {
  picket = await startPicket(`services:\n  auth: { routes: ["/auth/*"] }\n  orders: { routes: ["/v1/orders*"] }\ntelemetry: { token: "\${TOKEN}" }\n`, { env: { TOKEN } });
  picket.runtime.observe((o: Observation) => {
    if (o.type === 'request') observed.push(o);
  });
});

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const until = async (cond: () => boolean, ms = 5_000) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
};

describe('plugin in a real Express app', () => {
  it('ships route templates, statuses, users and login outcomes to a real picket', async () => {
    const telemetry = createPicketTelemetry({ url: picket.url, token: TOKEN, loginRoutes: ['/auth/login'], user: (req) => (req as unknown as { body?: { username?: string } }).body?.username, flushIntervalMs: 50 });
    const app = express();
    app.use(express.json());
    app.use(telemetry.express());
    app.post('/auth/login', (req, res) => {
      if (req.body.password === 'right') res.json({ token: 't' });
      else res.status(401).json({ error: 'invalid' });
    });
    app.get('/v1/orders/:id', (req, res) => res.json({ id: req.params.id, items: [1, 2, 3] }));
    const base = await listen(http.createServer(app));
    const login = (password: string) => fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password }) });
    expect((await login('wrong')).status).toBe(401);
    expect((await login('right')).status).toBe(200);
    expect((await fetch(`${base}/v1/orders/4711`)).status).toBe(200);
    expect((await fetch(`${base}/nowhere/123`)).status).toBe(404);
    await until(() => observed.length >= 4);
    await telemetry.close();
    expect(observed.slice(0, 4).map((o) => [o.service, o.method, o.route, o.status, o.auth, o.user ?? null])).toEqual([
      ['auth', 'POST', '/auth/login', 401, 'failure', 'alice'],
      ['auth', 'POST', '/auth/login', 200, 'success', 'alice'],
      ['orders', 'GET', '/v1/orders/:id', 200, 'none', null],
      ['other', 'GET', '/nowhere/:id', 404, 'none', null],
    ]);
    expect(observed[2]!.ip).toBe('127.0.0.1');
    expect(observed[2]!.bytesOut).toBeGreaterThan(10);
    expect(observed[2]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(telemetry.stats).toMatchObject({ sent: 4, dropped: 0, buffered: 0 });
  });
});

describe('plugin in a real Fastify app', () => {
  it('records every route of the app with its template, delivering in-process', async () => {
    const seen: unknown[] = [];
    const telemetry = createPicketTelemetry({
      deliver: async (records) => {
        seen.push(...records);
        await picket.runtime.telemetry.accept(records);
      },
      loginRoutes: [/^\/auth\//],
      flushIntervalMs: 50,
    });
    const app = Fastify();
    await app.register(telemetry.fastify());
    await app.register(async (scoped) => {
      scoped.get('/v1/orders/:id', async (req) => ({ id: (req.params as { id: string }).id }));
      scoped.post('/auth/token', async (_req, reply) => reply.code(403).send({ error: 'forbidden' }));
    });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    afterAll(() => app.close());
    const before = observed.length;
    await fetch(`${base}/v1/orders/9`);
    await fetch(`${base}/auth/token`, { method: 'POST' });
    await until(() => observed.length >= before + 2);
    await telemetry.close();
    expect(observed.slice(before).map((o) => [o.route, o.status, o.auth])).toEqual([
      ['/v1/orders/:id', 200, 'none'],
      ['/auth/token', 403, 'failure'],
    ]);
    expect(seen).toHaveLength(2);
  });
});

describe('plugin when picket is down', () => {
  it('leaves the host app unaffected, bounds its buffer and counts what it drops', async () => {
    const errors: unknown[] = [];
    const telemetry: PicketTelemetry = createPicketTelemetry({ url: `http://127.0.0.1:${await closedPort()}`, token: 'x', maxBuffer: 5, batchSize: 2, flushIntervalMs: 10, onError: (e) => errors.push(e) });
    const base = await listen(http.createServer(telemetry.nodeHttp((_req, res) => res.end('ok'))));
    const started = performance.now();
    for (let i = 0; i < 20; i++) expect(await (await fetch(`${base}/health/${i}`)).text()).toBe('ok');
    const perRequest = (performance.now() - started) / 20;
    expect(perRequest).toBeLessThan(50);
    await until(() => errors.length > 0);
    expect(telemetry.stats.buffered).toBeLessThanOrEqual(5);
    expect(telemetry.stats.dropped).toBeGreaterThanOrEqual(15);
    expect(telemetry.stats.failedSends).toBeGreaterThan(0);
    await telemetry.close();
  });

  it('retries with backoff and delivers once picket answers again', async () => {
    let up = false;
    const received: unknown[][] = [];
    const fake = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (!up) {
          res.statusCode = 503;
          res.end();
          return;
        }
        received.push(JSON.parse(body) as unknown[]);
        res.statusCode = 202;
        res.end('{}');
      });
    });
    const url = await listen(fake);
    const telemetry = createPicketTelemetry({ url, token: 't', flushIntervalMs: 20 });
    telemetry.record({ ts: Date.now(), route: '/a', status: 200, ip: '127.0.0.1' });
    await until(() => telemetry.stats.failedSends > 0);
    up = true;
    await until(() => telemetry.stats.sent > 0, 4_000);
    expect(received.flat()).toHaveLength(1);
    expect(telemetry.stats).toMatchObject({ sent: 1, buffered: 0 });
    await telemetry.close();
  });
});

describe('client IP', () => {
  const req = (xff: string | undefined, remote = '10.0.0.5') => ({ headers: xff ? { 'x-forwarded-for': xff } : {}, socket: { remoteAddress: remote } }) as unknown as http.IncomingMessage;

  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIp(req('203.0.113.9'), false)).toBe('10.0.0.5');
    expect(clientIp(req('198.51.100.1, 203.0.113.9'), 1)).toBe('203.0.113.9');
    expect(clientIp(req('198.51.100.1, 203.0.113.9'), 2)).toBe('198.51.100.1');
    expect(clientIp(req('198.51.100.1, 203.0.113.9'), true)).toBe('198.51.100.1');
    expect(clientIp(req(undefined, '::ffff:192.0.2.4'), 1)).toBe('192.0.2.4');
  });
});
