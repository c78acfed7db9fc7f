import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { Secret } from '../../src/config/secret.js';
import { createLogger } from '../../src/log.js';
import { createChannel, type Channel } from '../../src/notify/channels/index.js';
import type { Notification } from '../../src/notify/notification.js';
import { OutboxWorker } from '../../src/notify/outbox-worker.js';
import { Store } from '../../src/store/store.js';
import { facts } from '../helpers/notifications.js';
import { startServer } from '../helpers/servers.js';
import { startSlack } from '../helpers/slack.js';
import { startSmtp } from '../helpers/smtp.js';
import { tempDir } from '../helpers/temp.js';

const T0 = Date.UTC(2026, 10, 23, 12);
const logger = createLogger({ level: 'silent', pretty: false });

/** Incident rows the outbox rows point at. */
function ensureIncidents(store: Store, upTo: number) {
  while ((store.incidents.get(upTo) ?? null) === null) {
    store.incidents.insert({ key: `k${Math.random()}`, service: 'auth', class: 'outage', severity: 'warning', state: 'open', summary: 's', evidence: {}, detail: { active: {}, families: [], classes: [], signalSeverity: 'warning', takeover: false, persisted: false, timelineSignals: 0 }, openedAt: T0, updatedAt: T0, lastSignalAt: T0, escalationLevel: -1 });
  }
}

function enqueue(store: Store, incident: number, step: string, channel: string, at: number, extra: Partial<Notification> = {}) {
  ensureIncidents(store, incident);
  const key = `${incident}|${step}|${channel}`;
  const n: Notification = { kind: step.startsWith('resolved') ? 'resolved' : 'page', key, createdAt: at, incident: facts({ id: incident, summary: `incident ${incident} ${step}` }), ...extra };
  store.outbox.enqueue({ incidentId: incident, channel, step, idempotencyKey: key, payload: JSON.stringify(n), dueAt: at, createdAt: at });
}

function worker(store: Store, clock: VirtualClock, channels: Channel[], retryForMs?: number) {
  return new OutboxWorker({ outbox: store.outbox, channels: new Map(channels.map((c) => [c.name, c])), clock, logger, retryForMs, random: () => 0.5 });
}

/** Runs delivery rounds every simulated second for `seconds`. */
async function run(w: OutboxWorker, clock: VirtualClock, seconds: number) {
  for (let i = 0; i < seconds; i++) {
    await w.deliverDue();
    clock.advance(1_000);
  }
}

describe('OutboxWorker', () => {
  it('delivers everything after Slack is down for 10 minutes, in order per incident, once each, backing off', async () => {
    const slack = await startSlack();
    const store = Store.open(':memory:');
    const clock = new VirtualClock(T0);
    const channel = createChannel('slack', { type: 'slack', url: new Secret(slack.url), timeout: 2_000, ratePerSecond: 1 } as never);
    for (const id of [1, 2, 3]) {
      enqueue(store, id, 'page:default:0', 'slack', T0);
      enqueue(store, id, 'resolved:1', 'slack', T0 + 1);
    }
    const w = worker(store, clock, [channel]);
    slack.mode = 'error';
    await run(w, clock, 600);
    // Backoff doubles from 1 s: a few dozen attempts over 10 minutes, not one a second.
    expect(slack.attempts).toBeLessThan(40);
    expect(slack.accepted).toEqual([]);
    slack.mode = 'ok';
    await run(w, clock, 400);
    const delivered = slack.accepted.map((m) => m.text.match(/incident (\d) (\S+)/)!.slice(1).join(' '));
    expect(delivered.sort()).toEqual(['1 page:default:0', '1 resolved:1', '2 page:default:0', '2 resolved:1', '3 page:default:0', '3 resolved:1']);
    for (const id of ['1', '2', '3']) expect(delivered.indexOf(`${id} page:default:0`)).toBeLessThan(delivered.indexOf(`${id} resolved:1`));
    expect(store.outbox.list({ state: 'pending', limit: 10 })).toEqual([]);
  });

  it('delivers every mail after the SMTP server is down for 5 minutes, in order per incident, once each', async () => {
    const first = await startSmtp();
    const port = first.port;
    await first.close();
    const store = Store.open(':memory:');
    const clock = new VirtualClock(T0);
    const channel = createChannel('mail', { type: 'email', smtp: { host: '127.0.0.1', port, secure: false, tlsVerify: true }, from: 'picket@example.com', to: ['oncall@example.com'], timeout: 2_000, ratePerSecond: 5 } as never);
    for (const id of [1, 2]) {
      enqueue(store, id, 'page:default:0', 'mail', T0);
      enqueue(store, id, 'resolved:1', 'mail', T0 + 1);
    }
    const w = worker(store, clock, [channel]);
    await run(w, clock, 300);
    expect(store.outbox.list({ state: 'pending', limit: 10 })).toHaveLength(4);
    const box = await startSmtp(port);
    await run(w, clock, 400);
    const subjects = box.mails.map((m) => /incident (\d) (\S+)/.exec(m.text ?? '')!.slice(1).join(' '));
    expect([...subjects].sort()).toEqual(['1 page:default:0', '1 resolved:1', '2 page:default:0', '2 resolved:1']);
    for (const id of ['1', '2']) expect(subjects.indexOf(`${id} page:default:0`)).toBeLessThan(subjects.indexOf(`${id} resolved:1`));
    expect(new Set(box.mails.map((m) => m.messageId)).size).toBe(4);
    expect(store.outbox.list({ state: 'pending', limit: 10 })).toEqual([]);
  });

  it("honours Slack's Retry-After on 429", async () => {
    const slack = await startSlack();
    const store = Store.open(':memory:');
    const clock = new VirtualClock(T0);
    const channel = createChannel('slack', { type: 'slack', url: new Secret(slack.url), timeout: 2_000, ratePerSecond: 1 } as never);
    enqueue(store, 1, 'page:default:0', 'slack', T0);
    slack.mode = 'rate_limited';
    slack.retryAfter = 30;
    const w = worker(store, clock, [channel]);
    await w.deliverDue();
    const [row] = store.outbox.list({ limit: 1 });
    expect(row!.nextAttemptAt - T0).toBeGreaterThanOrEqual(30_000);
    slack.mode = 'ok';
    await run(w, clock, 29);
    expect(slack.accepted).toEqual([]);
    await run(w, clock, 3);
    expect(slack.accepted).toHaveLength(1);
  });

  it('keeps permanent failures, and retryable ones past retryFor, as dead letters', async () => {
    const slack = await startSlack();
    const store = Store.open(':memory:');
    const clock = new VirtualClock(T0);
    const channel = createChannel('slack', { type: 'slack', url: new Secret(slack.url), timeout: 2_000, ratePerSecond: 10 } as never);
    enqueue(store, 1, 'page:default:0', 'slack', T0);
    slack.mode = 'invalid_blocks';
    const w = worker(store, clock, [channel], 10 * 60_000);
    await w.deliverDue();
    expect(store.outbox.list({ state: 'dead', limit: 5 })).toEqual([expect.objectContaining({ idempotencyKey: '1|page:default:0|slack', lastError: expect.stringContaining('invalid_blocks') })]);
    enqueue(store, 2, 'page:default:0', 'slack', clock.now());
    slack.mode = 'error';
    await run(w, clock, 900);
    expect(store.outbox.list({ state: 'dead', limit: 5 }).map((r) => r.incidentId)).toEqual([2, 1]);
    expect(store.outbox.list({ state: 'dead', limit: 5 })[0]!.lastError).toMatch(/^gave up after/);
  });

  it('sends at most the channel rate, and one grouped message for a storm', async () => {
    const slack = await startSlack();
    const store = Store.open(':memory:');
    const clock = new VirtualClock(T0);
    const channel = createChannel('slack', { type: 'slack', url: new Secret(slack.url), timeout: 2_000, ratePerSecond: 1 } as never);
    for (const id of [1, 2, 3]) enqueue(store, id, 'page:default:0', 'slack', T0);
    for (const id of [4, 5, 6, 7]) enqueue(store, id, 'page:default:0', 'slack', T0, { group: 'storm:4' });
    const w = worker(store, clock, [channel]);
    await w.deliverDue();
    expect(slack.accepted).toHaveLength(1);
    await run(w, clock, 5);
    expect(slack.accepted).toHaveLength(4);
    expect(slack.accepted.at(-1)!.text).toMatch(/4 incidents at once/);
    expect(store.outbox.list({ state: 'delivered', limit: 10 })).toHaveLength(7);
  });

  it('after a crash mid-delivery, delivers again under the same idempotency key, so the receiver keeps one of each', async () => {
    const seen = new Map<string, number>();
    let hang = true;
    const receiver = await startServer((req, res) => {
      const id = String(req.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      if (hang) return;
      res.statusCode = 200;
      res.end();
    });
    const file = path.join(tempDir(), 'picket.db');
    const clock = new VirtualClock(T0);
    let store = Store.open(file);
    for (const id of [1, 2, 3]) enqueue(store, id, 'page:critical:1', 'block', T0);
    const channel = () => createChannel('block', { type: 'webhook', url: `${receiver.url}/block`, timeout: 60_000, ratePerSecond: 10 } as never);
    // The first worker sends the first row (the channel goes in order) and is "killed" before the answer.
    void worker(store, clock, [channel()]).deliverDue();
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.size).toBe(1);
    await store.close();
    hang = false;
    store = Store.open(file);
    await run(worker(store, clock, [channel()]), clock, 3);
    expect(store.outbox.list({ state: 'delivered', limit: 10 })).toHaveLength(3);
    // The one in flight at the crash arrived twice under the same key; the receiver keeps exactly one per key.
    expect([...seen.values()].sort()).toEqual([1, 1, 2]);
    expect(seen.size).toBe(3);
    await store.close();
  });
});
