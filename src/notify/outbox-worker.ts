import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { OutboxRepository, OutboxRow } from '../store/outbox-repository.js';
import type { Channel } from './channels/index.js';
import type { Delivery } from './delivery.js';
import type { Notification } from './notification.js';

export interface OutboxWorkerOptions {
  outbox: Pick<OutboxRepository, 'due' | 'pendingInGroup' | 'markDelivered' | 'markRetry' | 'markDead' | 'nextDue'>;
  channels: Map<string, Channel>;
  clock: Clock;
  logger: Logger;
  /** How long a failing notification is retried before it becomes a dead letter (default 24 h). */
  retryForMs?: number;
  /** Backoff bounds (default 1 s to 5 min). */
  backoffMs?: { min: number; max: number };
  /** Random in [0, 1) for jitter; injectable so tests are exact. */
  random?: () => number;
  onDelivered?(row: OutboxRow, n: Notification): void;
  onDead?(row: OutboxRow, reason: string): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Delivers the outbox: at least once, in order per incident and channel, each channel at its own rate (Slack's
 * incoming webhooks take about one message a second), with exponential backoff and jitter between attempts and
 * `Retry-After` honoured. A failure the channel calls permanent (Slack's invalid_blocks, a 404) stops at once; a
 * retryable one keeps trying until `retryFor`; either way the row stays as a dead letter, never dropped. Rows of
 * a storm due together go out as one message per channel. Probing and ingest never wait for any of this.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private wakeQueued = false;
  private stopped = true;
  private readonly buckets = new Map<string, Bucket>();
  /** When the last delivery round ran; /readyz reports a worker that stopped. */
  lastRunAt = 0;
  readonly stats = { delivered: 0, retried: 0, dead: 0 };

  constructor(private readonly opts: OutboxWorkerOptions) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /**
   * Runs a round soon (new rows were written), or right after the current one. Never in the caller's turn: rows are
   * written inside a transaction, and only what has committed may go out.
   */
  wake(): void {
    if (this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      this.run();
    });
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.deliverDue()
      .then(() => undefined)
      .catch((err: Error) => this.opts.logger.error({ err: err.message }, 'outbox round failed'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.run();
        } else {
          this.sleep();
        }
      });
  }

  /** Finishes the delivery in progress, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private sleep(): void {
    if (this.stopped) return;
    const next = this.opts.outbox.nextDue();
    const wait = next === undefined ? 1_000 : Math.min(1_000, Math.max(100, next - this.opts.clock.now()));
    this.timer = setTimeout(() => this.run(), wait);
    this.timer.unref();
  }

  /** One round: every due row whose channel has capacity. Channels are served in parallel, each in order. */
  async deliverDue(): Promise<number> {
    const now = this.opts.clock.now();
    this.lastRunAt = now;
    const rows = this.opts.outbox.due(now, 200);
    const byChannel = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      let list = byChannel.get(row.channel);
      if (!list) byChannel.set(row.channel, (list = []));
      list.push(row);
    }
    const counts = await Promise.all([...byChannel.entries()].map(([channel, list]) => this.deliverChannel(channel, list)));
    return counts.reduce((a, b) => a + b, 0);
  }

  private async deliverChannel(name: string, rows: OutboxRow[]): Promise<number> {
    const channel = this.opts.channels.get(name);
    let sent = 0;
    const done = new Set<number>();
    for (const row of rows) {
      if (done.has(row.id)) continue;
      const now = this.opts.clock.now();
      if (!channel) {
        this.dead([row], now, `channel ${name} is no longer configured`);
        continue;
      }
      if (!this.take(channel, now)) break;
      const n = JSON.parse(row.payload) as Notification;
      // A storm: every row of the group due now goes out as one message.
      const group = n.group ? this.opts.outbox.pendingInGroup(name, n.group, now) : [row];
      const members = group.length > 0 ? group : [row];
      for (const m of members) done.add(m.id);
      const message: Notification =
        members.length > 1
          ? { kind: 'storm', key: `${n.group}|${name}`, createdAt: n.createdAt, incidents: members.map((m) => (JSON.parse(m.payload) as Notification).incident!).filter(Boolean) }
          : n;
      let result: Delivery;
      try {
        result = await channel.send(message);
      } catch (err) {
        result = { ok: false, retryable: true, reason: `channel error: ${(err as Error).message}` };
      }
      this.settle(members, n, result);
      if (result.ok) sent += members.length;
      // A failing channel keeps its later rows for the next round, behind the one that failed.
      else break;
    }
    return sent;
  }

  private settle(rows: OutboxRow[], n: Notification, result: Delivery): void {
    const now = this.opts.clock.now();
    const ids = rows.map((r) => r.id);
    if (result.ok) {
      this.opts.outbox.markDelivered(ids, now);
      this.stats.delivered += ids.length;
      for (const r of rows) this.opts.onDelivered?.(r, n);
      return;
    }
    const first = Math.min(...rows.map((r) => r.firstAttemptAt ?? now));
    const retryFor = this.opts.retryForMs ?? 24 * 3_600_000;
    if (!result.retryable || now - first >= retryFor) {
      this.dead(rows, now, result.retryable ? `gave up after ${Math.round(retryFor / 3_600_000)} h: ${result.reason}` : result.reason);
      return;
    }
    const attempts = Math.max(...rows.map((r) => r.attempts)) + 1;
    const { min, max } = this.opts.backoffMs ?? { min: 1_000, max: 300_000 };
    const backoff = Math.min(max, min * 2 ** (attempts - 1)) * (0.5 + (this.opts.random ?? Math.random)());
    const wait = Math.max(backoff, result.retryAfterMs ?? 0);
    this.opts.outbox.markRetry(ids, now, now + wait, result.reason);
    this.stats.retried += ids.length;
    this.opts.logger.warn({ channel: rows[0]!.channel, attempts, retryInMs: Math.round(wait), reason: result.reason }, 'delivery failed; will retry');
  }

  private dead(rows: OutboxRow[], now: number, reason: string): void {
    this.opts.outbox.markDead(rows.map((r) => r.id), now, reason);
    this.stats.dead += rows.length;
    for (const r of rows) this.opts.onDead?.(r, reason);
    this.opts.logger.error({ channel: rows[0]!.channel, rows: rows.map((r) => r.idempotencyKey), reason }, 'notification is a dead letter');
  }

  /** Token bucket per channel: `ratePerSecond`, a burst of one second's worth. */
  private take(channel: Channel, now: number): boolean {
    let b = this.buckets.get(channel.name);
    if (!b) this.buckets.set(channel.name, (b = { tokens: Math.max(1, channel.ratePerSecond), at: now }));
    b.tokens = Math.min(Math.max(1, channel.ratePerSecond), b.tokens + ((now - b.at) / 1000) * channel.ratePerSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
