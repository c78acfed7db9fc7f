import { setImmediate as settle } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { firstDue, Scheduler, type Job } from '../../src/probe/scheduler.js';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

function harness(opts: { concurrency?: number; perHost?: number; hold?: boolean } = {}) {
  const clock = new VirtualClock(T0);
  const launches: { key: string; due: number; at: number }[] = [];
  const release: (() => void)[] = [];
  const lateness: number[] = [];
  const scheduler = new Scheduler({
    clock,
    timers: false,
    concurrency: opts.concurrency,
    perHost: opts.perHost,
    onLateness: (ms) => lateness.push(ms),
    run: (job, due) => {
      launches.push({ key: job.key, due, at: clock.now() });
      return opts.hold ? new Promise<void>((r) => release.push(r)) : Promise.resolve();
    },
  });
  /** Moves virtual time forward in steps, ticking at each. */
  const runFor = async (ms: number, step = 100) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.advance(step);
      scheduler.tick();
      await settle();
    }
  };
  return { clock, scheduler, launches, release, lateness, runFor };
}

const jobs = (n: number, interval: number, host = (i: number) => `host-${i % 50}`): Job[] =>
  Array.from({ length: n }, (_, i) => ({ key: `check-${i}`, interval, host: host(i) }));

describe('Scheduler', () => {
  it('spreads 1,000 checks at 10 s evenly over the interval by a hash of their id', async () => {
    const h = harness({ concurrency: 10_000, perHost: 10_000 });
    h.scheduler.setJobs(jobs(1000, 10_000));
    await h.runFor(10_000);
    expect(h.launches).toHaveLength(1000);
    expect(new Set(h.launches.map((l) => l.key)).size).toBe(1000);
    const perSecond = new Array(10).fill(0) as number[];
    for (const l of h.launches) perSecond[Math.floor((l.due - T0 - 1) / 1000)]!++;
    expect(Math.max(...perSecond)).toBeLessThan(140);
    expect(Math.min(...perSecond)).toBeGreaterThan(60);
  });

  it('keeps any interval exactly, not only divisors of a minute', async () => {
    const h = harness();
    h.scheduler.setJobs([{ key: 'odd', interval: 7_000, host: 'a' }]);
    await h.runFor(70_000);
    const dues = h.launches.map((l) => l.due);
    expect(dues.length).toBeGreaterThanOrEqual(9);
    for (let i = 1; i < dues.length; i++) expect(dues[i]! - dues[i - 1]!).toBe(7_000);
    expect(dues[0]).toBe(firstDue({ key: 'odd', interval: 7_000, host: 'a' }, T0));
    expect(Math.max(...h.lateness)).toBeLessThan(100);
  });

  it('skips and counts a run whose previous run is still going', async () => {
    const h = harness({ hold: true });
    h.scheduler.setJobs([{ key: 'slow', interval: 1_000, host: 'a' }]);
    await h.runFor(3_500);
    expect(h.launches).toHaveLength(1);
    expect(h.scheduler.stats.skipped).toBeGreaterThanOrEqual(2);
    h.release.shift()!();
    await settle();
    await h.runFor(1_000);
    expect(h.launches).toHaveLength(2);
  });

  it('catches up a late tick with one run and counts the missed ones', async () => {
    const h = harness();
    h.scheduler.setJobs([{ key: 'a', interval: 10_000, host: 'a' }]);
    await h.runFor(10_000);
    expect(h.launches).toHaveLength(1);
    h.clock.advance(35_000);
    h.scheduler.tick();
    await settle();
    expect(h.launches).toHaveLength(2);
    expect(h.scheduler.stats.missed).toBe(3);
    await h.runFor(10_000);
    expect(h.launches).toHaveLength(3);
  });

  it('adds, removes and re-phases jobs on setJobs', async () => {
    const h = harness();
    h.scheduler.setJobs([{ key: 'a', interval: 1_000, host: 'x' }, { key: 'b', interval: 1_000, host: 'x' }]);
    await h.runFor(2_000);
    h.scheduler.setJobs([{ key: 'b', interval: 2_000, host: 'x' }, { key: 'c', interval: 1_000, host: 'x' }]);
    h.launches.length = 0;
    await h.runFor(4_000);
    const count = (k: string) => h.launches.filter((l) => l.key === k).length;
    expect(count('a')).toBe(0);
    expect(count('b')).toBe(2);
    expect(count('c')).toBe(4);
    expect(h.scheduler.size).toBe(2);
  });

  it('caps runs in flight globally and per host', async () => {
    const global = harness({ hold: true, concurrency: 2, perHost: 10 });
    global.scheduler.setJobs(jobs(6, 1_000, (i) => `h${i}`));
    await global.runFor(1_000);
    expect(global.launches).toHaveLength(2);
    global.release.shift()!();
    await settle();
    await settle();
    expect(global.launches).toHaveLength(3);

    const perHost = harness({ hold: true, concurrency: 10, perHost: 1 });
    perHost.scheduler.setJobs(jobs(4, 1_000, () => 'same-host'));
    await perHost.runFor(1_000);
    expect(perHost.launches).toHaveLength(1);
  });

  it('stop waits for runs in flight and launches nothing more', async () => {
    const h = harness({ hold: true });
    h.scheduler.setJobs([{ key: 'a', interval: 1_000, host: 'x' }]);
    await h.runFor(1_000);
    let stopped = false;
    const stopping = h.scheduler.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    h.release.shift()!();
    await stopping;
    await h.runFor(5_000);
    expect(h.launches).toHaveLength(1);
  });
});
