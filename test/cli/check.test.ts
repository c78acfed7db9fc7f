import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { tempDir, writeTree } from '../helpers/temp.js';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.url === '/orders') {
      res.statusCode = req.headers.authorization?.includes('eyJhbGciOiJub25lIi') ? 200 : 401;
      res.end();
      return;
    }
    if (req.url === '/page') {
      res.setHeader('x-content-type-options', 'nosniff');
      res.end('<html></html>');
      return;
    }
    res.end('ok');
  });
  dir = writeTree(tempDir(), {
    'picket.yaml': 'services:\n  auth: {}\n',
    'checks/a.yaml': [
      `- { id: health, service: auth, kind: http, url: "${server.url}/health", expect: { latencyMs: 2000 } }`,
      `- { id: down, service: auth, kind: http, url: "http://127.0.0.1:9/", confirmRetries: 0 }`,
      `- { id: orders-guard, service: auth, kind: auth-guard, url: "${server.url}/orders" }`,
      `- { id: page-headers, service: auth, kind: headers, url: "${server.url}/page", cors: false, verboseErrors: false }`,
      '',
    ].join('\n'),
  });
});

describe('picket check', () => {
  it('--nagios: OK with perfdata, exit 0', async () => {
    const r = await runCli(['check', 'health', '--nagios'], { cwd: dir });
    expect(r.stdout).toMatch(/^PICKET OK - health: HTTP 200 in \d+ ms \| time=\d+\.\d{3}s;2\.000;;0\n$/);
    expect(r.code).toBe(0);
  });

  it('--nagios: CRITICAL naming the guard variant that got through, exit 2', async () => {
    const r = await runCli(['check', 'orders-guard', '--nagios'], { cwd: dir });
    expect(r.stdout).toMatch(/^PICKET CRITICAL - orders-guard: alg:none token accepted \(HTTP 200\) \| time=/);
    expect(r.code).toBe(2);
  });

  it('--nagios: CRITICAL for a target that is down, exit 2', async () => {
    const r = await runCli(['check', 'down', '--nagios'], { cwd: dir });
    expect(r.stdout).toMatch(/^PICKET CRITICAL - down: request: connection refused/);
    expect(r.code).toBe(2);
  });

  it('--nagios: WARNING for a missing security header, exit 1', async () => {
    const r = await runCli(['check', 'page-headers', '--nagios'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PICKET WARNING - page-headers: no frame policy \(X-Frame-Options or CSP frame-ancestors\) \| time=/);
  });

  it('--nagios: UNKNOWN for an unknown id or a broken config, exit 3', async () => {
    const unknown = await runCli(['check', 'nope', '--nagios'], { cwd: dir });
    expect(unknown.stdout).toBe('PICKET UNKNOWN - no check "nope" (checks: health, down, orders-guard, page-headers)\n');
    expect(unknown.code).toBe(3);
    const broken = writeTree(tempDir(), { 'picket.yaml': 'servr: {}\n' });
    const r = await runCli(['check', 'x', '--nagios'], { cwd: broken });
    expect(r.stdout).toMatch(/^PICKET UNKNOWN - configuration has errors/);
    expect(r.code).toBe(3);
  });

  it('prints a readable result with timings without --nagios', async () => {
    const r = await runCli(['check', 'health'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^health \(http, service auth\): OK\n {2}ok: HTTP 200 in \d+ ms\n {2}timings: dns [\d.]+ ms, tcp [\d.]+ ms, first byte [\d.]+ ms, total [\d.]+ ms\n$/);
  });
});
