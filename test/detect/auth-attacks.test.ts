import { describe, expect, it } from 'vitest';
import * as accountTakeover from '../../src/detect/account-takeover.js';
import * as bruteForce from '../../src/detect/brute-force.js';
import * as credentialStuffing from '../../src/detect/credential-stuffing.js';
import * as passwordSpray from '../../src/detect/password-spray.js';
import * as unusualLocation from '../../src/detect/unusual-location.js';
import { detectorHarness, login, MIN, probe, T0, warmUp } from '../helpers/detect.js';

describe('credential-stuffing detector', () => {
  it('fires on one IP trying ≥ 25 logins on ≥ 15 users with ≤ 2 tries each in 15 min', () => {
    const h = detectorHarness(credentialStuffing);
    for (let i = 0; i < 30; i++) h.feed(login(T0 + i * 10_000, '203.0.113.50', `victim${i % 20}@example.com`, false));
    const s = h.firing().find((x) => x.key === 'ip:203.0.113.50');
    expect(s).toMatchObject({ class: 'attack.credential_stuffing', family: 'auth', severity: 'warning' });
    expect(s!.evidence.metrics).toMatchObject({ attempts: 25, users: 20 });
  });

  it('does not fire on one IP retrying a few users many times (that is not stuffing)', () => {
    const h = detectorHarness(credentialStuffing);
    for (let i = 0; i < 60; i++) h.feed(login(T0 + i * 10_000, '203.0.113.51', `victim${i % 5}@example.com`, false));
    expect(h.firing().filter((x) => x.key === 'ip:203.0.113.51')).toEqual([]);
  });

  it('catches the distributed form: a rotating pool, many users, one or two tries each', () => {
    const h = detectorHarness(credentialStuffing);
    for (let i = 0; i < 600; i++) {
      h.feed(login(T0 + i * 1_000, `192.0.2.${i % 200}`, `leaked${i}@mail.example`, false, { asn: 60_000 + (i % 40) }));
    }
    h.idle(10_000);
    const s = h.firing().find((x) => x.key === 'service:auth');
    expect(s).toMatchObject({ class: 'attack.credential_stuffing', severity: 'critical' });
    expect(s!.evidence.metrics!.newIpShare).toBe(1);
    expect(s!.evidence.ips!.length).toBeGreaterThan(0);
  });

  it('leaves a busy login alone whose clients change addresses, and catches a wave that triples its usual failures', () => {
    const h = detectorHarness(credentialStuffing);
    // Two hours of 3 logins a second, one in ten failing, nearly every one from an address not seen before.
    let t = T0;
    let n = 0;
    for (; t < T0 + 120 * MIN; t += 333) {
      n++;
      h.feed(login(t, `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, `customer${n % 40_000}@example.com`, n % 10 !== 0));
    }
    expect(h.firing().filter((s) => s.key === 'service:auth')).toEqual([]);
    // A leaked list goes through a rotating pool on top of the same traffic: failures go from 10 % to about 40 %.
    for (let i = 0; t < T0 + 135 * MIN; t += 333, i++) {
      n++;
      h.feed(login(t, `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`, `customer${n % 40_000}@example.com`, n % 10 !== 0));
      h.feed(login(t + 100, `192.0.2.${i % 200}`, `leaked${i}@mail.example`, false));
    }
    h.idle(10_000);
    const s = h.firing().find((x) => x.key === 'service:auth');
    expect(s).toMatchObject({ class: 'attack.credential_stuffing', severity: 'critical' });
    expect(s!.summary).toMatch(/usually 1[01] %/);
    expect(s!.evidence.metrics!.failureRatio).toBeGreaterThan(0.3);
  });

  it('leaves an office behind one NAT address alone, and the usual clients while the login probe is down', () => {
    const h = detectorHarness(credentialStuffing, {}, { loginChecks: new Map([['auth', new Set(['auth-login'])]]) });
    let t = warmUp(h, T0, 20, ['198.51.100.10']);
    // 60 colleagues log in through the office NAT over the morning; a few typos.
    for (let i = 0; i < 60; i++) h.feed(login((t += 60_000), '198.51.100.10', `staff${i}@example.com`, i % 20 !== 0));
    expect(h.firing()).toEqual([]);
    // The identity provider fails: everyone at the office fails once or twice while the probe fails too.
    h.feed(probe(t, { state: 'down', ok: false, stateChange: { from: 'up', to: 'down' } }));
    for (let i = 0; i < 40; i++) h.feed(login((t += 5_000), '198.51.100.10', `staff${i}@example.com`, false));
    h.idle(10_000);
    expect(h.firing()).toEqual([]);
  });
});

describe('password-spray detector', () => {
  it('fires on one IP trying 25 users once each, a minute apart', () => {
    const h = detectorHarness(passwordSpray);
    for (let i = 0; i < 40; i++) h.feed(login(T0 + i * MIN, '203.0.113.60', `employee${i}@example.com`, false));
    expect(h.firing().find((x) => x.key === 'ip:203.0.113.60')).toMatchObject({ class: 'attack.password_spray', severity: 'warning' });
  });

  it('does not call a fast burst a spray', () => {
    const h = detectorHarness(passwordSpray);
    for (let i = 0; i < 40; i++) h.feed(login(T0 + i * 1_000, '203.0.113.61', `employee${i}@example.com`, false));
    expect(h.firing()).toEqual([]);
  });
});

describe('brute-force detector', () => {
  it('fires on 5 failures in 10 s on one user from one IP', () => {
    const h = detectorHarness(bruteForce);
    for (let i = 0; i < 5; i++) h.feed(login(T0 + i * 2_000, '203.0.113.70', 'alice@example.com', false));
    expect(h.firing()).toEqual([expect.objectContaining({ class: 'attack.brute_force', key: 'user:alice@example.com' })]);
  });

  it('fires on 20 failures on one user from several IPs in 10 min', () => {
    const h = detectorHarness(bruteForce);
    for (let i = 0; i < 20; i++) h.feed(login(T0 + i * 25_000, `203.0.113.${80 + (i % 4)}`, 'bob@example.com', false));
    expect(h.firing().at(-1)!.summary).toMatch(/20 failed logins on bob@example\.com from 4 IPs/);
  });

  it('ignores a user who mistypes a few times', () => {
    const h = detectorHarness(bruteForce);
    for (let i = 0; i < 4; i++) h.feed(login(T0 + i * 4_000, '198.51.100.2', 'carol@example.com', false));
    h.feed(login(T0 + 20_000, '198.51.100.2', 'carol@example.com', true));
    expect(h.firing()).toEqual([]);
  });
});

describe('account-takeover detector', () => {
  it('fires when an address that failed on other users logs in successfully', () => {
    const h = detectorHarness(accountTakeover);
    for (let i = 0; i < 5; i++) h.feed(login(T0 + i * 1_000, '203.0.113.90', `u${i}@example.com`, false));
    h.feed(login(T0 + 10_000, '203.0.113.90', 'dave@example.com', true));
    expect(h.firing()).toEqual([expect.objectContaining({ family: 'takeover', severity: 'critical', key: 'user:dave@example.com' })]);
  });

  it('does not fire when the user logs in from their usual address after mistyping', () => {
    const h = detectorHarness(accountTakeover);
    const t = warmUp(h, T0, 20, ['198.51.100.3']);
    h.feed(login(t, '198.51.100.3', 'member0@example.com', false));
    h.feed(login(t + 5_000, '198.51.100.3', 'member0@example.com', true));
    expect(h.firing()).toEqual([]);
  });
});

describe('unusual-location detector', () => {
  it('flags a login from a country never seen for the user, at info', () => {
    const h = detectorHarness(unusualLocation);
    for (let i = 0; i < 4; i++) h.feed(login(T0 + i * 86_400_000, '198.51.100.4', 'erin@example.com', true, { country: 'DE', asn: 3320 }));
    h.feed(login(T0 + 5 * 86_400_000, '203.0.113.99', 'erin@example.com', true, { country: 'BR', asn: 28573 }));
    expect(h.firing()).toEqual([expect.objectContaining({ severity: 'info', family: 'location', summary: expect.stringContaining('first login from BR') })]);
  });

  it('flags impossible travel between countries, and nothing for a user without history', () => {
    const h = detectorHarness(unusualLocation);
    for (let i = 0; i < 4; i++) h.feed(login(T0 + i * 60_000, '198.51.100.5', 'frank@example.com', true, { country: 'DE', asn: 3320 }));
    h.feed(login(T0 + 10 * 60_000, '198.51.100.6', 'frank@example.com', true, { country: 'US', asn: 3320 }));
    expect(h.firing().at(-1)!.summary).toMatch(/min after a login from DE/);
    h.feed(login(T0 + 20 * 60_000, '203.0.113.7', 'newcomer@example.com', true, { country: 'JP', asn: 2516 }));
    expect(h.firing().some((s) => s.key === 'user:newcomer@example.com')).toBe(false);
  });
});
