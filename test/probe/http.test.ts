import { beforeAll, describe, expect, it } from 'vitest';
import { probeCheck } from '../../src/probe/index.js';
import { makeCheck } from '../helpers/checks.js';
import { closedPort, startServer, type TestServer } from '../helpers/servers.js';

const ctx = { configDir: process.cwd() };
let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    switch (req.url) {
      case '/health':
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-version', 'build-42');
        res.end(JSON.stringify({ status: 'ok', db: { up: true, replicas: [1, 2] } }));
        return;
      case '/slow':
        setTimeout(() => res.end('ok'), 150);
        return;
      case '/hang':
        return;
      case '/broken':
        res.statusCode = 503;
        res.end('maintenance');
        return;
      case '/redirect':
        res.writeHead(302, { location: '/health' });
        res.end();
        return;
      case '/big': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('x'.repeat(200_000));
        res.end('MARKER');
        return;
      }
      case '/leak':
        res.end('config: aws_key=AKIAABCDEFGHIJKLMNOP host=db.internal.corp');
        return;
      default:
        res.statusCode = 404;
        res.end();
    }
  });
});

describe('http probe', () => {
  it('passes on the expected status, body, JSON and headers, with phase timings', async () => {
    const check = makeCheck({
      kind: 'http',
      url: `${server.url}/health`,
      expect: {
        status: [200],
        latencyMs: 2000,
        body: { contains: ['"status"', 'ok'], matches: '"replicas":\\[1,2\\]', json: [{ path: '$.status', equals: 'ok' }, { path: '$.db.replicas[1]', equals: 2 }, { path: '$.db.up', exists: true }] },
        headers: { 'x-version': 'build', 'content-type': '' },
      },
    });
    const r = await probeCheck(check, ctx);
    expect(r).toMatchObject({ ok: true, status: 200, findings: [] });
    expect(r.error).toBeUndefined();
    expect(r.timings.totalMs).toBeGreaterThan(0);
    expect(r.timings.tcpMs).toBeDefined();
    expect(r.timings.firstByteMs).toBeDefined();
  });

  it('classifies a refused port', async () => {
    const r = await probeCheck(makeCheck({ kind: 'http', url: `http://127.0.0.1:${await closedPort()}/` }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'refused' });
  });

  it('times out a target that never answers, within the timeout', async () => {
    const started = Date.now();
    const r = await probeCheck(makeCheck({ kind: 'http', url: `${server.url}/hang`, timeout: '300ms' }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails a slow answer over latencyMs as an assertion', async () => {
    const r = await probeCheck(makeCheck({ kind: 'http', url: `${server.url}/slow`, expect: { latencyMs: 50 } }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'assertion', status: 200 });
    expect(r.assertion).toMatch(/took \d+ ms, expected at most 50 ms/);
  });

  it('fails a wrong status', async () => {
    const r = await probeCheck(makeCheck({ kind: 'http', url: `${server.url}/broken` }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'status', status: 503, assertion: 'status 503, expected 200' });
  });

  it('reports which body or JSON assertion failed', async () => {
    const url = `${server.url}/health`;
    const cases: [Record<string, unknown>, string][] = [
      [{ contains: 'healthy' }, 'body does not contain "healthy"'],
      [{ matches: '^<html>' }, 'body does not match /^<html>/'],
      [{ json: [{ path: '$.status', equals: 'degraded' }] }, '$.status is "ok", expected "degraded"'],
      [{ json: [{ path: '$.db.missing', exists: true }] }, '$.db.missing is missing'],
    ];
    for (const [body, assertion] of cases) {
      const r = await probeCheck(makeCheck({ kind: 'http', url, expect: { body } }), ctx);
      expect(r, assertion).toMatchObject({ ok: false, error: 'assertion', assertion });
    }
    const header = await probeCheck(makeCheck({ kind: 'http', url, expect: { headers: { 'x-missing': '' } } }), ctx);
    expect(header.assertion).toBe('header x-missing is missing');
  });

  it('does not follow redirects unless asked', async () => {
    const url = `${server.url}/redirect`;
    expect(await probeCheck(makeCheck({ kind: 'http', url }), ctx)).toMatchObject({ ok: false, status: 302 });
    expect(await probeCheck(makeCheck({ kind: 'http', url, expect: { status: [302] } }), ctx)).toMatchObject({ ok: true, status: 302 });
    expect(await probeCheck(makeCheck({ kind: 'http', url, followRedirects: true }), ctx)).toMatchObject({ ok: true, status: 200 });
  });

  it('stops reading a body over the cap and says so', async () => {
    const url = `${server.url}/big`;
    const r = await probeCheck(makeCheck({ kind: 'http', url, maxBodyBytes: '64KiB', expect: { body: { contains: 'MARKER' } } }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'assertion', assertion: 'body does not contain "MARKER" (body cut at 65536 bytes)' });
    expect(await probeCheck(makeCheck({ kind: 'http', url, expect: { body: { contains: 'MARKER' } } }), ctx)).toMatchObject({ ok: true });
  });

  it('raises a critical finding for a forbidden body pattern without repeating the leaked text', async () => {
    const r = await probeCheck(makeCheck({ kind: 'http', url: `${server.url}/leak`, forbiddenBody: ['AKIA[0-9A-Z]{16}', 'never-there'] }), ctx);
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([{ key: 'forbidden_body:0', class: 'misconfig.headers', severity: 'critical', message: 'response body matches forbidden pattern #1 (/AKIA[0-9A-Z]{16}/)' }]);
    expect(JSON.stringify(r)).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });

  it('sends the configured method, headers and JSON body', async () => {
    const before = server.requests.length;
    await probeCheck(makeCheck({ kind: 'http', url: `${server.url}/health`, method: 'POST', headers: { 'x-probe': 'yes' }, body: { ping: 1 } }), ctx);
    const req = server.requests[before]!;
    expect(req).toMatchObject({ method: 'POST', body: '{"ping":1}' });
    expect(req.headers['x-probe']).toBe('yes');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toMatch(/^picket\//);
  });
});
