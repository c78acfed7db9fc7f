import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeCheck } from '../../src/probe/index.js';
import { TestPki } from '../helpers/certs.js';
import { makeCheck } from '../helpers/checks.js';
import { startServer } from '../helpers/servers.js';
import { tempDir } from '../helpers/temp.js';

const DAY = 86_400_000;
let pki: TestPki;
let configDir: string;
const ports: Record<string, number> = {};

beforeAll(async () => {
  pki = new TestPki();
  configDir = tempDir();
  writeFileSync(path.join(configDir, 'ca.pem'), pki.ca.cert);
  const ok = (_req: unknown, res: import('node:http').ServerResponse) => res.end('ok');
  const servers = {
    good: pki.leaf({ daysLeft: 200 }),
    soon: pki.leaf({ daysLeft: 3 }),
    warn: pki.leaf({ daysLeft: 20 }),
    expired: pki.leaf({ daysLeft: -2, notBeforeDays: -90 }),
    selfSigned: pki.leaf({ selfSigned: true }),
    wrongName: pki.leaf({ names: ['other.example'] }),
  };
  for (const [name, pem] of Object.entries(servers)) ports[name] = (await startServer(ok, pem)).port;
  ports.legacy = (await startServer(ok, { ...pki.leaf(), minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' })).port;
});

const tlsCheck = (port: number, extra: Record<string, unknown> = {}) =>
  makeCheck({ kind: 'tls', host: '127.0.0.1', servername: 'localhost', port, ca: 'ca.pem', ...extra });

describe('tls probe', () => {
  it('passes a trusted certificate with time left, and reports expiry and timings', async () => {
    const r = await probeCheck(tlsCheck(ports.good!), { configDir });
    expect(r).toMatchObject({ ok: true, findings: [] });
    expect(r.message).toMatch(/^TLSv1\.3, certificate valid 199 more days$/);
    expect(Math.abs(r.certExpiresAt! - (Date.now() + 200 * DAY))).toBeLessThan(DAY);
    expect(r.timings.tcpMs).toBeDefined();
    expect(r.timings.tlsMs).toBeDefined();
  });

  it('raises a critical finding for a certificate expiring in 3 days, without failing the check', async () => {
    const r = await probeCheck(tlsCheck(ports.soon!), { configDir });
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([expect.objectContaining({ key: 'tls:expiry', class: 'misconfig.tls', severity: 'critical', message: expect.stringMatching(/^certificate expires in 2 days/) })]);
  });

  it('warns inside warnDays', async () => {
    const r = await probeCheck(tlsCheck(ports.warn!), { configDir });
    expect(r.findings).toEqual([expect.objectContaining({ key: 'tls:expiry', severity: 'warning' })]);
  });

  it('fails an expired certificate', async () => {
    const r = await probeCheck(tlsCheck(ports.expired!), { configDir });
    expect(r).toMatchObject({ ok: false, error: 'tls' });
    expect(r.findings.map((f) => f.key)).toEqual(['tls:expired']);
    expect(r.assertion).toMatch(/^certificate expired \d{4}-\d{2}-\d{2}$/);
  });

  it('fails a self-signed certificate as untrusted', async () => {
    const r = await probeCheck(tlsCheck(ports.selfSigned!), { configDir });
    expect(r).toMatchObject({ ok: false, error: 'tls' });
    expect(r.findings).toEqual([expect.objectContaining({ key: 'tls:untrusted', severity: 'critical', message: expect.stringContaining('DEPTH_ZERO_SELF_SIGNED_CERT') })]);
  });

  it('fails a certificate for another hostname', async () => {
    const r = await probeCheck(tlsCheck(ports.wrongName!), { configDir });
    expect(r).toMatchObject({ ok: false, error: 'tls' });
    expect(r.findings).toEqual([expect.objectContaining({ key: 'tls:hostname', message: expect.stringContaining('does not match localhost') })]);
  });

  it('fails an untrusted chain when the CA is not supplied', async () => {
    const r = await probeCheck(tlsCheck(ports.good!, { ca: undefined }), { configDir });
    expect(r.findings.map((f) => f.key)).toEqual(['tls:untrusted']);
  });

  it('warns when the server still accepts TLS 1.0/1.1', async () => {
    const r = await probeCheck(tlsCheck(ports.legacy!), { configDir });
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([{ key: 'tls:legacy_protocol', class: 'misconfig.tls', severity: 'warning', message: 'server still accepts TLS 1.0/1.1' }]);
  });

  it('classifies a refused handshake', async () => {
    const r = await probeCheck(tlsCheck(1), { configDir });
    expect(r).toMatchObject({ ok: false, error: 'refused' });
  });
});

describe('https through the http probe', () => {
  it('verifies the certificate against the check CA and reads its expiry from the socket', async () => {
    const url = `https://localhost:${ports.good}/`;
    const r = await probeCheck(makeCheck({ kind: 'http', url, ca: 'ca.pem' }), { configDir });
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(r.timings.tlsMs).toBeDefined();
    expect(Math.abs(r.certExpiresAt! - (Date.now() + 200 * DAY))).toBeLessThan(DAY);
  });

  it('fails with a tls error on an expired certificate, or passes it with tlsVerify off', async () => {
    const url = `https://localhost:${ports.expired}/`;
    expect(await probeCheck(makeCheck({ kind: 'http', url, ca: 'ca.pem' }), { configDir })).toMatchObject({ ok: false, error: 'tls' });
    expect(await probeCheck(makeCheck({ kind: 'http', url, tlsVerify: false }), { configDir })).toMatchObject({ ok: true });
  });
});
