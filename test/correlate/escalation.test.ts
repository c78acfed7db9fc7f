import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { Correlator } from '../../src/correlate/correlator.js';
import { Escalation, type EscalationConfig } from '../../src/correlate/escalation.js';
import { MaintenanceWindows, type MaintenanceWindow } from '../../src/correlate/maintenance.js';
import type { Signal } from '../../src/correlate/signal.js';
import { resolveDetect } from '../../src/detect/config.js';
import type { Notification } from '../../src/notify/notification.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const MIN = 60_000;

const CONFIG: EscalationConfig = {
  policies: {
    default: [{ after: 0, notify: ['slack'] }, { after: 10 * MIN, notify: ['email'] }],
    critical: [{ after: 0, notify: ['slack', 'email'] }, { after: 5 * MIN, notify: ['block'] }],
  },
  routes: [{ match: { severity: 'critical' }, policy: 'critical' }, { match: {}, policy: 'default' }],
  repeat: 60 * MIN,
  resolved: true,
  grouping: { window: MIN, threshold: 3 },
  flapping: { changes: 4, window: 10 * MIN },
  cooldown: 5 * MIN,
};

function setup(opts: { file?: string; config?: Partial<EscalationConfig>; maintenance?: MaintenanceWindow[] } = {}) {
  const store = Store.open(opts.file ?? ':memory:');
  const clock = new VirtualClock(T0);
  const escalation = new Escalation({
    config: { ...CONFIG, ...opts.config },
    channels: ['slack', 'email', 'block'],
    outbox: store.outbox,
    silences: store.silences,
    maintenance: new MaintenanceWindows(opts.maintenance ?? []),
    timeline: (id, ts, kind, message, detail) => store.incidents.addEvent(id, ts, kind, message, detail),
    baseUrl: 'http://127.0.0.1:8787',
  });
  // Severity does not rise with age here (persistFor one day), so each test sees escalation alone.
  const correlator = new Correlator({ store: store.incidents, clock, timings: () => resolveDetect({ persistFor: 86_400_000 }), hooks: [escalation.onChange], timers: [escalation.due] });
  correlator.load();
  const at = (ms: number) => {
    clock.set(ms);
    correlator.tick(ms);
  };
  const rows = () =>
    store.outbox
      .list({ limit: 1000 })
      .reverse()
      .map((r) => ({ incident: r.incidentId, channel: r.channel, step: r.step, kind: (JSON.parse(r.payload) as Notification).kind, group: (JSON.parse(r.payload) as Notification).group }));
  return { store, clock, escalation, correlator, at, rows };
}

function signal(over: Partial<Signal> & { ts: number }): Signal {
  return { service: 'auth', detector: 'availability', family: 'availability', class: 'outage', severity: 'warning', state: 'firing', key: 'auth', summary: 'auth-login down', evidence: { checks: [{ id: 'auth-login', state: 'down' }] }, ...over };
}

describe('Escalation', () => {
  it('fires levels as the incident ages, then repeats the last one while unacknowledged', () => {
    const h = setup();
    h.correlator.handle(signal({ ts: T0 }));
    expect(h.rows()).toEqual([{ incident: 1, channel: 'slack', step: 'page:default:0', kind: 'page', group: undefined }]);
    h.at(T0 + 9 * MIN);
    expect(h.rows()).toHaveLength(1);
    h.at(T0 + 10 * MIN);
    expect(h.rows().at(-1)).toMatchObject({ channel: 'email', step: 'page:default:1' });
    h.at(T0 + 69 * MIN);
    expect(h.rows()).toHaveLength(2);
    h.at(T0 + 70 * MIN);
    expect(h.rows().at(-1)).toMatchObject({ channel: 'email', step: 'repeat:1', kind: 'repeat' });
  });

  it('stops at an acknowledgement, and says so to the channels paged', () => {
    const h = setup();
    h.correlator.handle(signal({ ts: T0 }));
    h.correlator.acknowledge(1, 'ana', T0 + 3 * MIN);
    h.at(T0 + 11 * MIN);
    h.at(T0 + 2 * 60 * MIN);
    expect(h.rows().map((r) => [r.channel, r.step])).toEqual([['slack', 'page:default:0'], ['slack', 'acknowledged']]);
  });

  it('jumps to the critical policy on a severity rise without paging a channel twice', () => {
    const h = setup();
    h.correlator.handle(signal({ ts: T0 }));
    h.correlator.handle(signal({ ts: T0 + 3 * MIN, detector: 'error-rate', family: 'errors', key: 'auth:auth', summary: 'spike' }));
    expect(h.rows().map((r) => [r.channel, r.step])).toEqual([
      ['slack', 'page:default:0'],
      ['slack', 'escalated:critical'],
      ['email', 'page:critical:0'],
    ]);
    h.at(T0 + 5 * MIN);
    expect(h.rows().at(-1)).toMatchObject({ channel: 'block', step: 'page:critical:1' });
    h.at(T0 + 10 * MIN);
    expect(h.rows().filter((r) => r.channel === 'email')).toHaveLength(1);
  });

  it('tells every channel that was paged when the incident resolves, and no other', () => {
    const h = setup();
    h.correlator.handle(signal({ ts: T0 }));
    h.at(T0 + 10 * MIN);
    h.correlator.handle(signal({ ts: T0 + 12 * MIN, state: 'resolved' }));
    expect(h.rows().filter((r) => r.kind === 'resolved').map((r) => r.channel)).toEqual(['email', 'slack']);
  });

  it('holds pages during a silence and sends what is due when it ends', () => {
    const h = setup();
    h.store.silences.create({ service: 'auth', reason: 'deploy', createdAt: T0, startsAt: T0, endsAt: T0 + 30 * MIN });
    h.correlator.handle(signal({ ts: T0 + MIN }));
    h.at(T0 + 20 * MIN);
    expect(h.rows()).toEqual([]);
    expect(h.store.incidents.timeline(1).map((e) => e.kind)).toContain('held');
    h.at(T0 + 30 * MIN);
    expect(h.rows().map((r) => r.step)).toEqual(['page:default:0', 'page:default:1']);
  });

  it('releases a hold as soon as its silence is expired by hand', () => {
    const h = setup();
    const s = h.store.silences.create({ class: 'outage', reason: 'testing', createdAt: T0, startsAt: T0, endsAt: T0 + 60 * MIN });
    h.correlator.handle(signal({ ts: T0 }));
    h.store.silences.expire(s.id, T0 + 2 * MIN);
    h.at(T0 + 2 * MIN);
    expect(h.rows().map((r) => r.step)).toEqual(['page:default:0']);
  });

  it('holds pages in a maintenance window of the service', () => {
    const start = new Date(T0);
    const h = setup({ maintenance: [{ service: 'auth', cron: `${start.getMinutes()} ${start.getHours()} * * *`, duration: 60 * MIN, reason: 'weekly' }] });
    h.correlator.handle(signal({ ts: T0 + 5 * MIN }));
    expect(h.rows()).toEqual([]);
    h.correlator.handle(signal({ ts: T0 + 5 * MIN, service: 'orders', key: 'orders' }));
    expect(h.rows().map((r) => r.incident)).toEqual([2]);
    h.at(T0 + 60 * MIN);
    expect(h.rows().filter((r) => r.incident === 1).map((r) => r.step)).toEqual(['page:default:0', 'page:default:1']);
  });

  it('never pages info-level incidents, but starts when one rises to warning', () => {
    const h = setup();
    h.correlator.handle(signal({ ts: T0, severity: 'info', key: 'auth' }));
    h.at(T0 + 30 * MIN);
    expect(h.rows()).toEqual([]);
    h.correlator.handle(signal({ ts: T0 + 31 * MIN, detector: 'error-rate', family: 'errors', key: 'auth:auth', severity: 'warning' }));
    expect(h.rows().map((r) => r.step)).toEqual(['page:critical:0', 'page:critical:0', 'page:critical:1']);
  });

  it('pages a storm of availability incidents as one group after the first ones', () => {
    const h = setup();
    for (let i = 0; i < 6; i++) h.correlator.handle(signal({ ts: T0 + i * 5_000, service: `svc${i}`, key: `svc${i}` }));
    expect(h.rows().map((r) => r.incident)).toEqual([1, 2]);
    h.at(T0 + MIN);
    const grouped = h.rows().filter((r) => r.group);
    expect(grouped.map((r) => r.incident)).toEqual([3, 4, 5, 6]);
    expect(new Set(grouped.map((r) => r.group)).size).toBe(1);
  });

  it('pages a flapping incident once as flapping, then stays quiet until it is stable', () => {
    const h = setup();
    let t = T0;
    for (let i = 0; i < 5; i++) {
      h.correlator.handle(signal({ ts: (t += MIN) }));
      h.correlator.handle(signal({ ts: (t += 30_000), state: 'resolved' }));
    }
    const kinds = h.rows().map((r) => r.kind);
    expect(kinds.filter((k) => k === 'flapping')).toHaveLength(1);
    const afterFlap = kinds.slice(kinds.indexOf('flapping') + 1);
    expect(afterFlap).toEqual([]);
    h.at(t + 11 * MIN);
    expect(h.rows().at(-1)).toMatchObject({ kind: 'escalated', step: expect.stringMatching(/^stable:/) });
  });

  it('resumes a stored timer after a restart and fires each level once', async () => {
    const file = path.join(tempDir(), 'picket.db');
    const first = setup({ file });
    first.correlator.handle(signal({ ts: T0 }));
    await first.store.close();
    const second = setup({ file });
    second.at(T0 + 11 * MIN);
    expect(second.rows().map((r) => r.step)).toEqual(['page:default:0', 'page:default:1']);
    await second.store.close();
    const third = setup({ file });
    third.at(T0 + 12 * MIN);
    expect(third.rows().map((r) => r.step)).toEqual(['page:default:0', 'page:default:1']);
    await third.store.close();
  });
});
