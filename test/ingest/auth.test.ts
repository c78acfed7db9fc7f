import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import * as basic from '../../src/ingest/auth/basic.js';
import * as bearer from '../../src/ingest/auth/bearer.js';
import * as hmac from '../../src/ingest/auth/hmac-sha256.js';
import * as sw from '../../src/ingest/auth/standard-webhooks.js';

const req = (headers: Record<string, string>, body: string) => ({ headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.from(body) });

describe('standard-webhooks', () => {
  // The example from the Standard Webhooks specification.
  const cfg = { secret: new Secret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), tolerance: 300_000 };
  const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
  const body = '{"test": 2432232314}';
  const at = 1614265330_000;

  it('accepts the specification example and reports its id for replay detection', () => {
    expect(sw.verify(cfg, req(headers, body), at)).toEqual({ ok: true, deliveryId: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
  });

  it('accepts when one of several signatures matches (key rotation)', () => {
    const rotated = { ...headers, 'webhook-signature': `v1,bm90LXRoZS1yaWdodC1vbmU= ${headers['webhook-signature']}` };
    expect(sw.verify(cfg, req(rotated, body), at).ok).toBe(true);
  });

  it.each([
    ['a changed body', headers, '{"test": 2432232315}', at, 'no signature matches the body'],
    ['a wrong signature', { ...headers, 'webhook-signature': 'v1,AAAA' }, body, at, 'no signature matches the body'],
    ['a missing signature', { 'webhook-id': 'x', 'webhook-timestamp': '1614265330' }, body, at, 'missing webhook-id or webhook-signature header'],
    ['a timestamp 6 minutes old', headers, body, at + 360_000, 'timestamp outside ±300 s'],
    ['a timestamp 6 minutes ahead', headers, body, at - 360_000, 'timestamp outside ±300 s'],
    ['a timestamp that is not a number', { ...headers, 'webhook-timestamp': '2021-02-25' }, body, at, 'timestamp is not a number of seconds'],
  ])('refuses %s', (_what, h, b, now, reason) => {
    expect(sw.verify(cfg, req(h as Record<string, string>, b), now)).toEqual({ ok: false, reason });
  });
});

describe('hmac-sha256', () => {
  // GitHub's published X-Hub-Signature-256 example.
  const github = { header: 'X-Hub-Signature-256', secret: new Secret("It's a Secret to Everybody"), prefix: 'sha256=', encoding: 'hex' as const, tolerance: 300_000 };
  const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it("accepts GitHub's example", () => {
    expect(hmac.verify(github, req({ 'X-Hub-Signature-256': signature }, 'Hello, World!'), Date.now())).toEqual({ ok: true });
  });

  it.each([
    ['a different body', { 'X-Hub-Signature-256': signature }, 'Hello, World?', 'signature does not match the body'],
    ['a missing prefix', { 'X-Hub-Signature-256': signature.slice(7) }, 'Hello, World!', 'signature must start with "sha256="'],
    ['a missing header', {}, 'Hello, World!', 'missing X-Hub-Signature-256 header'],
    ['two signature headers joined', { 'X-Hub-Signature-256': `${signature}, ${signature}` }, 'Hello, World!', 'signature does not match the body'],
  ])('refuses %s', (_what, h, body, reason) => {
    expect(hmac.verify(github, req(h, body), Date.now())).toEqual({ ok: false, reason });
  });

  it('signs <timestamp>.<body> in base64 when a timestamp header is configured, within the tolerance', () => {
    const cfg = { header: 'X-Signature', secret: new Secret('lagnis-secret'), prefix: '', encoding: 'base64' as const, timestampHeader: 'X-Timestamp', tolerance: 300_000 };
    const now = 1795471200_000;
    const ts = String(now / 1000);
    const body = '{"event":"monitor.down"}';
    const sig = createHmac('sha256', 'lagnis-secret').update(`${ts}.${body}`).digest('base64');
    expect(hmac.verify(cfg, req({ 'X-Signature': sig, 'X-Timestamp': ts }, body), now).ok).toBe(true);
    expect(hmac.verify(cfg, req({ 'X-Signature': sig, 'X-Timestamp': ts }, body), now + 301_000)).toEqual({ ok: false, reason: 'timestamp outside ±300 s' });
    expect(hmac.verify(cfg, req({ 'X-Signature': sig }, body), now)).toEqual({ ok: false, reason: 'missing timestamp' });
  });
});

describe('bearer and basic', () => {
  it('checks a bearer token in Authorization or in a header of its own', () => {
    const cfg = { token: new Secret('am-token'), header: 'authorization' };
    expect(bearer.verify(cfg, req({ Authorization: 'Bearer am-token' }, ''))).toEqual({ ok: true });
    expect(bearer.verify(cfg, req({ Authorization: 'Bearer am-tokem' }, ''))).toEqual({ ok: false, reason: 'wrong token' });
    expect(bearer.verify(cfg, req({ Authorization: 'am-token' }, ''))).toEqual({ ok: false, reason: 'expected "Authorization: Bearer <token>"' });
    expect(bearer.verify({ token: new Secret('k'), header: 'X-Api-Key' }, req({ 'X-Api-Key': 'k' }, '')).ok).toBe(true);
  });

  it('checks basic credentials, user and password both', () => {
    const cfg = { username: 'kuma', password: new Secret('p:w') };
    const b64 = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(basic.verify(cfg, req({ Authorization: b64('kuma:p:w') }, ''))).toEqual({ ok: true });
    expect(basic.verify(cfg, req({ Authorization: b64('kuma:p:x') }, '')).ok).toBe(false);
    expect(basic.verify(cfg, req({ Authorization: b64('kumo:p:w') }, '')).ok).toBe(false);
    expect(basic.verify(cfg, req({ Authorization: b64('kumap:w') }, '')).ok).toBe(false);
  });
});
