import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeCheck } from '../../src/probe/index.js';
import { TestPki } from '../helpers/certs.js';
import { makeCheck } from '../helpers/checks.js';
import { startServer, type TestServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

let configDir: string;
let server: TestServer;
let mode: 'hardened' | 'bare' | 'cors-credentials' | 'cors-plain' | 'verbose' = 'hardened';

beforeAll(async () => {
  const pki = new TestPki();
  configDir = tempDir();
  writeFileSync(path.join(configDir, 'ca.pem'), pki.ca.cert);
  server = await startServer((req, res) => {
    const origin = req.headers.origin;
    if (mode !== 'bare') {
      res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('content-security-policy', "default-src 'self'; frame-ancestors 'none'");
      res.setHeader('cache-control', 'no-store');
      res.setHeader('server', 'nginx');
    } else {
      res.setHeader('server', 'nginx/1.25.3');
      res.setHeader('x-powered-by', 'PHP/8.2.1');
    }
    if (origin && (mode === 'cors-credentials' || mode === 'cors-plain')) {
      res.setHeader('access-control-allow-origin', origin);
      if (mode === 'cors-credentials') res.setHeader('access-control-allow-credentials', 'true');
    }
    if (req.url?.startsWith('/picket-probe-')) {
      res.statusCode = 404;
      res.end(mode === 'verbose' ? `<pre>Error: Not found\n    at handler (/srv/app/routes/index.js:42:11)\n    at Layer.handle (/srv/app/node_modules/express/lib/router/layer.js:95:5)</pre>` : 'Not found');
      return;
    }
    res.end('{"account":"alice"}');
  }, pki.leaf());
});

const check = (extra: Record<string, unknown> = {}) =>
  makeCheck({ kind: 'headers', url: `https://localhost:${server.port}/account`, ca: 'ca.pem', require: { noStore: true }, ...extra });

async function findingsIn(m: typeof mode, extra: Record<string, unknown> = {}) {
  mode = m;
  const r = await probeCheck(check(extra), { configDir });
  expect(r.ok).toBe(true);
  return r.findings;
}

describe('headers probe', () => {
  it('finds nothing on a hardened endpoint', async () => {
    expect(await findingsIn('hardened')).toEqual([]);
  });

  it('warns about each missing header and each disclosed version', async () => {
    const findings = await findingsIn('bare');
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['headers:hsts', 'warning'],
      ['headers:nosniff', 'warning'],
      ['headers:frame_policy', 'warning'],
      ['headers:no_store', 'warning'],
      ['headers:version:server', 'warning'],
      ['headers:version:x-powered-by', 'warning'],
    ]);
    expect(findings[0]!.message).toBe('Strict-Transport-Security is missing');
    expect(findings.every((f) => f.class === 'misconfig.headers')).toBe(true);
  });

  it('is critical when CORS reflects a foreign origin with credentials', async () => {
    const findings = await findingsIn('cors-credentials');
    expect(findings).toEqual([
      { key: 'cors:reflect_credentials', class: 'misconfig.cors', severity: 'critical', message: 'CORS reflects the foreign origin https://picket-cors-probe.invalid with credentials allowed' },
    ]);
    expect(server.requests.at(-2)!.headers.origin).toBe('https://picket-cors-probe.invalid');
  });

  it('only warns when the origin is reflected without credentials, and can skip the CORS probe', async () => {
    expect((await findingsIn('cors-plain')).map((f) => [f.key, f.severity])).toEqual([['cors:reflect', 'warning']]);
    expect(await findingsIn('cors-credentials', { cors: false })).toEqual([]);
  });

  it('warns when a missing path answers with a stack trace', async () => {
    const findings = await findingsIn('verbose');
    expect(findings).toEqual([expect.objectContaining({ key: 'headers:verbose_errors', severity: 'warning', message: 'a request for a missing path answered with a Node.js stack trace (HTTP 404)' })]);
  });
});
