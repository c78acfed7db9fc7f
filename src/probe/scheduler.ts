import { createHash } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Clock } from '../clock.js';
import { DueQueue } from './due-queue.js';

/** Something to run every `interval` ms: a check's main schedule or one of its extra schedules. */
export interface Job {
  /** Unique: the check id, or `<id>#<schedule>` for an extra schedule. */
  key: string;
  interval: number;
  /** Host the job talks to, for the per-host concurrency cap. */
  host: string;
}

interface Entry {
  job: Job;
  due: number;
  running: boolean;
  removed: boolean;
}

export interface SchedulerStats {
  launched: number;
  /** Runs not started because the previous run of the same job was still going. */
  skipped: number;
  /** Whole intervals that passed without a run (the process was stalled or suspended). */
  missed: number;
}

export interface SchedulerOptions {
  clock: Clock;
  run: (job: Job, due: number) => Promise<void>;
  /** Runs in flight at once, all jobs together. */
  concurrency?: number;
  /** Runs in flight at once against one host. */
  perHost?: number;
  /** Called with how late each run started (ms after its due time). */
  onLateness?: (ms: number, job: Job) => void;
  /**
   * Real mode: a node-cron tick each second plus a precise timer to the next due run. Tests leave it off and
   * call `tick` with a virtual clock.
   */
  timers?: boolean;
}

/**
 * One due-queue for every check. A node-cron task per check collapses at a few thousand checks; here one
 * node-cron tick per second keeps the queue alive and a single timer fires each run at its exact time. Each
 * job's phase is a hash of its key, so 1,000 checks at 10 s do not all fire in the same second, and any
 * interval works, not only divisors of a minute.
 */
export class Scheduler {
  private readonly queue = new DueQueue<Entry>();
  private readonly entries = new Map<string, Entry>();
  private readonly global: LimitFunction;
  private readonly hosts = new Map<string, LimitFunction>();
  private readonly inflight = new Set<Promise<void>>();
  private heartbeat: ScheduledTask | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private stopped = false;
  readonly stats: SchedulerStats = { launched: 0, skipped: 0, missed: 0 };
  /** When the queue was last looked at; /readyz reports a scheduler that stopped ticking. */
  lastTickAt = 0;

  constructor(private readonly opts: SchedulerOptions) {
    this.global = pLimit({ concurrency: opts.concurrency ?? 64, rejectOnClear: true });
  }

  /** Replaces the set of jobs: new ones are phased in, removed ones stop, changed intervals re-phase. */
  setJobs(jobs: Job[]): void {
    const now = this.opts.clock.now();
    const wanted = new Map(jobs.map((j) => [j.key, j]));
    for (const [key, entry] of this.entries) {
      const next = wanted.get(key);
      if (!next || next.interval !== entry.job.interval) {
        entry.removed = true;
        this.entries.delete(key);
      } else {
        entry.job = next;
      }
    }
    for (const job of jobs) {
      if (this.entries.has(job.key)) continue;
      const entry: Entry = { job, due: firstDue(job, now), running: false, removed: false };
      this.entries.set(job.key, entry);
      this.queue.push(entry);
    }
    this.armTimer(now);
  }

  get size(): number {
    return this.entries.size;
  }

  start(): void {
    if (this.opts.timers === false) return;
    this.heartbeat = cron.schedule('* * * * * *', () => this.tick(), { name: 'scheduler-heartbeat' });
    this.tick();
  }

  /** Launches every job that is due; catches up on a late tick with one run, counting what was missed. */
  tick(now: number = this.opts.clock.now()): void {
    if (this.stopped) return;
    this.lastTickAt = now;
    for (;;) {
      const top = this.queue.peek();
      if (!top || top.due > now) break;
      this.queue.pop();
      if (top.removed) continue;
      this.launch(top, now);
      this.queue.push(top);
    }
    this.armTimer(now);
  }

  private launch(entry: Entry, now: number): void {
    const { interval } = entry.job;
    const late = Math.floor((now - entry.due) / interval);
    if (late > 0) {
      this.stats.missed += late;
      entry.due += late * interval;
    }
    const due = entry.due;
    entry.due += interval;
    if (entry.running) {
      this.stats.skipped++;
      return;
    }
    entry.running = true;
    this.stats.launched++;
    const hostLimit = this.hostLimit(entry.job.host);
    const run = hostLimit(() =>
      this.global(async () => {
        if (this.stopped || entry.removed) return;
        this.opts.onLateness?.(Math.max(0, this.opts.clock.now() - due), entry.job);
        await this.opts.run(entry.job, due);
      }),
    )
      .catch(() => undefined)
      .finally(() => {
        entry.running = false;
        this.inflight.delete(run);
      });
    this.inflight.add(run);
  }

  private hostLimit(host: string): LimitFunction {
    let limit = this.hosts.get(host);
    if (!limit) {
      limit = pLimit({ concurrency: this.opts.perHost ?? 4, rejectOnClear: true });
      this.hosts.set(host, limit);
    }
    return limit;
  }

  /** One timer to the next due run within the coming second and a half; the heartbeat covers anything later. */
  private armTimer(now: number): void {
    if (this.opts.timers === false || this.stopped) return;
    const next = this.queue.peek();
    if (!next) return;
    const delay = next.due - now;
    if (delay > 1_500 || (this.timer && this.timerDue <= next.due)) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = next.due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDue = Infinity;
      this.tick();
    }, Math.max(0, delay));
  }

  /** Stops launching; waits for runs in flight (their probes see the abort signal of the caller). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) await this.heartbeat.destroy();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.global.clearQueue();
    for (const limit of this.hosts.values()) limit.clearQueue();
    await Promise.allSettled([...this.inflight]);
  }

  get inFlight(): number {
    return this.inflight.size;
  }
}

/** The first due time at or after `now` on the job's own phase grid. */
export function firstDue(job: Job, now: number): number {
  const phase = phaseOf(job.key, job.interval);
  const periods = Math.ceil((now - phase) / job.interval);
  return phase + periods * job.interval;
}

export function phaseOf(key: string, interval: number): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) % interval;
}
