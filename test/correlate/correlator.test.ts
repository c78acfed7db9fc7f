import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import type { IncidentChange } from '../../src/correlate/incident.js';
import { Correlator } from '../../src/correlate/correlator.js';
import type { Signal } from '../../src/correlate/signal.js';
import { resolveDetect } from '../../src/detect/config.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

const T0 = Date.UTC(2026, 10, 23, 12);
const MIN = 60_000;

function setup(file = ':memory:') {
  const store = Store.open(file);
  const clock = new VirtualClock(T0);
  const changes: IncidentChange[] = [];
  const correlator = new Correlator({ store: store.incidents, clock, timings: () => resolveDetect(), hooks: [(c) => changes.push({ ...c, incident: { ...c.incident } })] });
  correlator.load();
  return { store, correlator, changes };
}

function signal(over: Partial<Signal> & { ts: number }): Signal {
  return { service: 'auth', detector: 'availability', family: 'availability', class: 'outage', severity: 'warning', state: 'firing', key: 'auth', summary: 'check auth-login down', evidence: {}, ...over };
}

describe('Correlator', () => {
  it('opens an outage on an availability signal and resolves it when the signal does', () => {
    const { correlator, store, changes } = setup();
    correlator.handle(signal({ ts: T0, evidence: { checks: [{ id: 'auth-login', state: 'down', error: 'refused' }] } }));
    const [open] = correlator.openIncidents();
    expect(open).toMatchObject({ class: 'outage', severity: 'warning', service: 'auth', state: 'open' });
    correlator.handle(signal({ ts: T0 + 5 * MIN, state: 'resolved', summary: 'every probe reports up' }));
    expect(correlator.openIncidents()).toEqual([]);
    const stored = store.incidents.get(open!.id)!;
    expect(stored).toMatchObject({ state: 'resolved', resolvedAt: T0 + 5 * MIN, resolveReason: 'every signal resolved' });
    expect(store.incidents.timeline(open!.id).map((e) => e.kind)).toEqual(['opened', 'signal-resolved', 'resolved']);
    expect(changes.map((c) => c.kind)).toEqual(['opened', 'resolved']);
  });

  it('raises the severity a step when a second, independent family agrees', () => {
    const { correlator, changes } = setup();
    correlator.handle(signal({ ts: T0 }));
    correlator.handle(signal({ ts: T0 + MIN, detector: 'error-rate', family: 'errors', key: 'auth:auth', summary: '401/403 spike from the usual clients' }));
    expect(correlator.openIncidents()).toEqual([expect.objectContaining({ class: 'outage', severity: 'critical' })]);
    expect(changes.map((c) => [c.kind, c.previous?.severity])).toEqual([['opened', undefined], ['escalated', 'warning']]);
  });

  it('keeps an attack apart from an open outage on the same service, and picks the most specific attack class', () => {
    const { correlator } = setup();
    correlator.handle(signal({ ts: T0 }));
    correlator.handle(signal({ ts: T0 + MIN, detector: 'error-rate', family: 'errors', class: 'attack.suspected', key: 'auth:auth', summary: 'spike from new IPs' }));
    correlator.handle(signal({ ts: T0 + 2 * MIN, detector: 'credential-stuffing', family: 'auth', class: 'attack.credential_stuffing', key: 'service:auth', summary: 'stuffing' }));
    const byClass = Object.fromEntries(correlator.openIncidents().map((i) => [i.class, i]));
    expect(Object.keys(byClass).sort()).toEqual(['attack.credential_stuffing', 'outage']);
    // Two families (errors and auth) agree on the attack: warning → critical.
    expect(byClass['attack.credential_stuffing']!.severity).toBe('critical');
  });

  it('raises the severity when an account takeover joins, and resolves an attack after the quiet period', () => {
    const { correlator } = setup();
    correlator.handle(signal({ ts: T0, detector: 'brute-force', family: 'auth', class: 'attack.brute_force', key: 'user:alice', summary: 'brute force' }));
    expect(correlator.openIncidents()[0]!.severity).toBe('warning');
    correlator.handle(signal({ ts: T0 + MIN, detector: 'account-takeover', family: 'takeover', class: 'attack.suspected', severity: 'critical', key: 'user:alice', summary: 'takeover' }));
    const [attack] = correlator.openIncidents();
    expect(attack).toMatchObject({ class: 'attack.brute_force', severity: 'critical' });
    expect(attack!.detail.takeover).toBe(true);
    correlator.tick(T0 + 10 * MIN);
    expect(correlator.openIncidents()).toHaveLength(1);
    correlator.tick(T0 + 11 * MIN);
    expect(correlator.openIncidents()).toEqual([]);
  });

  it('goes up a step when an incident persists for 15 min, never for info-only ones', () => {
    const { correlator } = setup();
    correlator.handle(signal({ ts: T0, detector: 'scraping', family: 'abuse', class: 'attack.scraping', key: 'ip:x', summary: 'scraping' }));
    correlator.handle(signal({ ts: T0, service: 'account', detector: 'unusual-location', family: 'location', class: 'attack.suspected', severity: 'info', key: 'user:bob', summary: 'new country' }));
    for (let t = T0; t <= T0 + 16 * MIN; t += MIN) {
      correlator.handle(signal({ ts: t, detector: 'scraping', family: 'abuse', class: 'attack.scraping', key: 'ip:x', summary: 'scraping' }));
      correlator.tick(t);
    }
    const byService = Object.fromEntries(correlator.openIncidents().map((i) => [i.service, i]));
    expect(byService.auth!.severity).toBe('critical');
    expect(byService.account).toBeUndefined();
  });

  it('reopens an incident whose signal returns within the merge window, opens a new one after it', () => {
    const { correlator } = setup();
    correlator.handle(signal({ ts: T0 }));
    const id = correlator.openIncidents()[0]!.id;
    correlator.handle(signal({ ts: T0 + MIN, state: 'resolved' }));
    correlator.handle(signal({ ts: T0 + 10 * MIN }));
    expect(correlator.openIncidents()[0]!.id).toBe(id);
    correlator.handle(signal({ ts: T0 + 11 * MIN, state: 'resolved' }));
    correlator.handle(signal({ ts: T0 + 40 * MIN }));
    expect(correlator.openIncidents()[0]!.id).not.toBe(id);
  });

  it('picks up open incidents after a restart, and later signals join them', async () => {
    const file = path.join(tempDir(), 'picket.db');
    const first = setup(file);
    first.correlator.handle(signal({ ts: T0, detector: 'credential-stuffing', family: 'auth', class: 'attack.credential_stuffing', key: 'service:auth', summary: 'stuffing' }));
    const id = first.correlator.openIncidents()[0]!.id;
    await first.store.close();

    const second = setup(file);
    expect(second.correlator.openIncidents().map((i) => i.id)).toEqual([id]);
    second.correlator.handle(signal({ ts: T0 + 3 * MIN, detector: 'error-rate', family: 'errors', class: 'attack.suspected', key: 'auth:auth', summary: 'spike' }));
    expect(second.correlator.openIncidents()).toEqual([expect.objectContaining({ id, severity: 'critical', class: 'attack.credential_stuffing' })]);
    expect(second.store.incidents.timeline(id).map((e) => e.kind)).toEqual(['opened', 'signal', 'escalated']);
    await second.store.close();
  });

  it('keeps each active signal in a row of its own, so a refresh rewrites that row and not every other one', async () => {
    const file = path.join(tempDir(), 'picket.db');
    const first = setup(file);
    const stuffing = (ts: number, n: number) =>
      signal({ ts, detector: 'credential-stuffing', family: 'auth', class: 'attack.credential_stuffing', key: `ip:203.0.${n >> 8}.${n & 255}`, summary: `30 failed logins on 20 users from 203.0.${n >> 8}.${n & 255}` });
    // A distributed attack: 2,000 addresses firing, each refreshed a minute later.
    for (let n = 0; n < 2_000; n++) first.correlator.handle(stuffing(T0 + n, n));
    for (let n = 0; n < 2_000; n++) first.correlator.handle(stuffing(T0 + MIN + n, n));
    const id = first.correlator.openIncidents()[0]!.id;
    first.correlator.handle({ ...stuffing(T0 + 2 * MIN, 7), state: 'resolved' });
    // The incident's own row stays small however many signals are active: it was rewritten whole with each of them.
    const detail = first.store.db.prepare('SELECT detail FROM incidents WHERE id = ?').pluck().get(id) as string;
    expect(detail.length).toBeLessThan(1_000);
    expect(JSON.parse(detail)).not.toHaveProperty('active');
    const stored = first.store.incidents.get(id)!;
    const keys = Object.keys(stored.detail.active);
    expect(keys).toHaveLength(1_999);
    expect(keys.slice(0, 3)).toEqual(['credential-stuffing|ip:203.0.0.0', 'credential-stuffing|ip:203.0.0.1', 'credential-stuffing|ip:203.0.0.2']);
    expect(keys).not.toContain('credential-stuffing|ip:203.0.0.7');
    expect(stored.detail.active['credential-stuffing|ip:203.0.0.8']).toMatchObject({ ts: T0 + MIN + 8, severity: 'warning', family: 'auth' });
    expect(stored.detail.active).toEqual(first.correlator.openIncidents()[0]!.detail.active);
    await first.store.close();

    // After a restart the signals are all there, and the one that resolves is dropped.
    const second = setup(file);
    expect(Object.keys(second.correlator.openIncidents()[0]!.detail.active)).toEqual(keys);
    second.correlator.handle({ ...stuffing(T0 + 3 * MIN, 0), state: 'resolved' });
    expect(Object.keys(second.store.incidents.get(id)!.detail.active)).toEqual(keys.slice(1));
    await second.store.close();
  });

  it('acknowledges once, and records a manual resolve with who did it', () => {
    const { correlator, store, changes } = setup();
    correlator.handle(signal({ ts: T0 }));
    const id = correlator.openIncidents()[0]!.id;
    correlator.acknowledge(id, 'oncall', T0 + MIN);
    correlator.acknowledge(id, 'someone-else', T0 + 2 * MIN);
    expect(store.incidents.get(id)).toMatchObject({ acknowledgedAt: T0 + MIN, acknowledgedBy: 'oncall' });
    correlator.resolveManually(id, 'oncall', T0 + 3 * MIN);
    expect(store.incidents.get(id)).toMatchObject({ state: 'resolved', resolveReason: 'resolved by oncall' });
    expect(changes.map((c) => c.kind)).toEqual(['opened', 'acknowledged', 'resolved']);
  });
});
