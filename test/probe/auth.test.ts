import { beforeAll, describe, expect, it } from 'vitest';
import { WRONG_PASSWORD } from '../../src/probe/auth-login.js';
import { probeCheck } from '../../src/probe/index.js';
import { makeCheck } from '../helpers/checks.js';
import { startServer, type TestServer } from '../helpers/servers.js';

const ctx = { configDir: process.cwd() };
const USER = 'probe@example.com';
const PASS = 'correct horse "battery" staple';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.secret-session-token.sig';
let server: TestServer;
/** How the protected endpoint treats each kind of request: which variants wrongly get in. */
let guardAccepts = new Set<string>();
let guardStatus = 401;
let acceptAnyPassword = false;

function variantOf(auth: string | undefined): string {
  if (!auth) return 'none';
  if (auth === 'Bearer picket.malformed.token') return 'malformed';
  const header = JSON.parse(Buffer.from(auth.slice(7).split('.')[0]!, 'base64url').toString()) as { alg: string };
  return header.alg === 'none' ? 'alg-none' : 'other';
}

beforeAll(async () => {
  server = await startServer((req, res, body) => {
    if (req.url === '/login' || req.url === '/login-form' || req.url === '/login-notoken') {
      const creds = req.url === '/login-form' ? Object.fromEntries(new URLSearchParams(body)) : (JSON.parse(body) as Record<string, string>);
      const ok = creds.username === USER && (creds.password === PASS || acceptAnyPassword);
      res.setHeader('content-type', 'application/json');
      res.statusCode = ok ? 200 : 401;
      res.end(JSON.stringify(ok ? (req.url === '/login-notoken' ? { user: USER } : { token: TOKEN, user: USER }) : { error: 'invalid credentials' }));
      return;
    }
    if (req.url === '/login-custom') {
      const creds = JSON.parse(body) as { auth: { email: string; secret: string } };
      res.statusCode = creds.auth.email === USER && creds.auth.secret === PASS ? 200 : 401;
      res.setHeader('x-session', TOKEN);
      res.end();
      return;
    }
    if (req.url === '/v1/orders') {
      const variant = variantOf(req.headers.authorization);
      if (guardAccepts.has(variant)) {
        res.end('[{"id":1}]');
        return;
      }
      res.statusCode = guardStatus;
      res.end();
      return;
    }
    res.statusCode = 404;
    res.end();
  });
});

const login = (extra: Record<string, unknown> = {}) =>
  makeCheck({ kind: 'auth-login', url: `${server.url}/login`, credentials: { username: USER, password: PASS }, expect: { status: [200], tokenPath: '$.token' }, ...extra });

describe('auth-login probe', () => {
  it('logs in and finds the token, without the token or credentials in the result', async () => {
    const r = await probeCheck(login(), ctx);
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(r.message).toContain('token present');
    const text = JSON.stringify(r);
    for (const secret of [TOKEN, PASS, 'secret-session-token']) expect(text).not.toContain(secret);
    expect(server.requests.at(-1)!.body).toBe(JSON.stringify({ username: USER, password: PASS }));
  });

  it('fails when the login answers without a token', async () => {
    const r = await probeCheck(login({ url: `${server.url}/login-notoken` }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'assertion', assertion: 'no token at $.token' });
  });

  it('fails with the status when the probe credentials are refused', async () => {
    const r = await probeCheck(login({ credentials: { username: USER, password: 'not it' } }), ctx);
    expect(r).toMatchObject({ ok: false, error: 'status', status: 401, assertion: 'login answered 401, expected 200' });
  });

  it('supports form bodies, body templates and a token in a header', async () => {
    expect(await probeCheck(login({ url: `${server.url}/login-form`, contentType: 'form' }), ctx)).toMatchObject({ ok: true });
    const custom = login({
      url: `${server.url}/login-custom`,
      bodyTemplate: '{"auth":{"email":"{{username}}","secret":"{{password}}"}}',
      expect: { tokenPath: 'header:x-session' },
    });
    expect(await probeCheck(custom, ctx)).toMatchObject({ ok: true });
  });

  it('raises a critical auth-bypass finding when a wrong password is accepted', async () => {
    const check = login({ wrongPassword: { interval: '10m' } });
    const refused = await probeCheck(check, { ...ctx, schedule: WRONG_PASSWORD });
    expect(refused).toMatchObject({ ok: true, status: 401, findings: [] });
    expect(JSON.parse(server.requests.at(-1)!.body).password).not.toBe(PASS);
    acceptAnyPassword = true;
    try {
      const accepted = await probeCheck(check, { ...ctx, schedule: WRONG_PASSWORD });
      expect(accepted.findings).toEqual([
        { key: 'auth_bypass:wrong-password', class: 'misconfig.auth_bypass', severity: 'critical', message: 'login accepted a wrong password (HTTP 200)' },
      ]);
    } finally {
      acceptAnyPassword = false;
    }
  });
});

describe('auth-guard probe', () => {
  const guard = (extra: Record<string, unknown> = {}) => makeCheck({ kind: 'auth-guard', url: `${server.url}/v1/orders`, ...extra });

  it('passes when every unauthenticated variant is refused', async () => {
    guardAccepts = new Set();
    const before = server.requests.length;
    const r = await probeCheck(guard({ headers: { Authorization: 'Bearer real-token', 'x-trace': '1' } }), ctx);
    expect(r).toMatchObject({ ok: true, status: 401, findings: [] });
    const sent = server.requests.slice(before).map((q) => q.headers.authorization);
    expect(sent[0]).toBeUndefined();
    expect(sent[1]).toBe('Bearer picket.malformed.token');
    expect(sent[2]).toMatch(/^Bearer eyJ[\w-]+\.eyJ[\w-]+\.$/);
  });

  it.each([
    ['none', 'request without credentials accepted (HTTP 200)'],
    ['malformed', 'malformed bearer token accepted (HTTP 200)'],
    ['alg-none', 'alg:none token accepted (HTTP 200)'],
  ])('names the %s variant that got through', async (variant, message) => {
    guardAccepts = new Set([variant]);
    const r = await probeCheck(guard(), ctx);
    expect(r.ok).toBe(true);
    expect(r.findings).toEqual([{ key: `auth_bypass:${variant}`, class: 'misconfig.auth_bypass', severity: 'critical', message }]);
    expect(r.message).toBe(message);
  });

  it('fails, without a finding, when the guard answers an unexpected error', async () => {
    guardAccepts = new Set();
    guardStatus = 500;
    try {
      const r = await probeCheck(guard(), ctx);
      expect(r).toMatchObject({ ok: false, error: 'status', status: 500, findings: [] });
      expect(r.assertion).toBe('request without credentials answered 500, expected 401/403');
    } finally {
      guardStatus = 401;
    }
  });
});
