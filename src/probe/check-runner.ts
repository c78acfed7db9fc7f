import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Clock } from '../clock.js';
import type { ProbeObservation } from '../correlate/observation.js';
import type { Logger } from '../log.js';
import { BatchWriter, type WriteGate } from '../store/batch-writer.js';
import type { CheckRecord, RunRecord, StoredCheck } from '../store/check-repository.js';
import { applyRun, INITIAL_STATE, MAIN_SCOPE, probeObservation, type CheckState } from './check-state.js';
import { extraSchedulesOf, targetOf, type Check } from './index.js';
import { runCheck, type Run } from './run-check.js';
import { Scheduler, type Job } from './scheduler.js';

/** The part of the store the runner needs. */
export interface CheckStore {
  sync(checks: CheckRecord[], now: number): Map<string, StoredCheck>;
  writeRuns(runs: RunRecord[]): void;
  writesHeld: WriteGate;
}

export interface CheckRunnerOptions {
  store: CheckStore;
  configDir: string;
  clock: Clock;
  logger: Logger;
  onObservation: (o: ProbeObservation) => void;
  concurrency?: number;
  perHost?: number;
  /** How long stop() lets runs in flight finish before aborting them. */
  drainMs?: number;
  /** Off in tests that drive the scheduler by hand. */
  timers?: boolean;
  onLateness?: (ms: number) => void;
  onRun?: (check: Check, run: Run) => void;
}

interface Tracked {
  check: Check;
  key: number;
  state: CheckState;
}

/** Errors that mean no answer arrived, so the run has no latency. */
const NO_ANSWER = new Set(['dns', 'refused', 'timeout', 'reset']);

/**
 * Runs the configured checks on the scheduler, folds each run into the check's state, persists results through
 * the batching writer and hands observations to the correlator. Probing never waits on the store: a store that
 * cannot commit costs memory within the writer's bound, not probes.
 */
export class CheckRunner {
  readonly scheduler: Scheduler;
  readonly writer: BatchWriter<RunRecord>;
  private tracked = new Map<string, Tracked>();
  private readonly abort = new AbortController();

  constructor(private readonly opts: CheckRunnerOptions) {
    // Every probe in flight listens on this one signal; thousands of checks are expected, not a leak.
    setMaxListeners(0, this.abort.signal);
    this.scheduler = new Scheduler({
      clock: opts.clock,
      concurrency: opts.concurrency,
      perHost: opts.perHost,
      timers: opts.timers,
      onLateness: opts.onLateness,
      run: (job) => this.runJob(job),
    });
    this.writer = new BatchWriter<RunRecord>({
      flush: (runs) => opts.store.writeRuns(runs),
      gate: opts.store.writesHeld,
      onError: (err, pending) => opts.logger.error({ err: (err as Error).message, pending }, 'cannot store probe results; keeping them in memory'),
    });
  }

  /** Sets the checks to run (at start and on reload): added ones start, removed ones stop, changed ones change. */
  setChecks(checks: Check[]): void {
    const now = this.opts.clock.now();
    const enabled = checks.filter((c) => c.enabled);
    const stored = this.opts.store.sync(enabled.map(toRecord), now);
    const next = new Map<string, Tracked>();
    for (const check of enabled) {
      const s = stored.get(check.id)!;
      const previous = this.tracked.get(check.id);
      const keep = previous && previous.check.kind === check.kind;
      next.set(check.id, { check, key: s.key, state: keep ? previous.state : (s.state ?? INITIAL_STATE) });
    }
    this.tracked = next;
    const jobs: Job[] = [];
    for (const check of enabled) {
      const { host } = targetOf(check);
      jobs.push({ key: check.id, interval: check.interval, host });
      for (const extra of extraSchedulesOf(check)) jobs.push({ key: `${check.id}#${extra.name}`, interval: extra.interval, host });
    }
    this.scheduler.setJobs(jobs);
  }

  start(): void {
    this.scheduler.start();
  }

  stateOf(checkId: string): CheckState | undefined {
    return this.tracked.get(checkId)?.state;
  }

  get checks(): Check[] {
    return [...this.tracked.values()].map((t) => t.check);
  }

  /** Stops scheduling, lets runs in flight finish (aborting them after drainMs), and flushes results. */
  async stop(): Promise<void> {
    const stopping = this.scheduler.stop();
    const timer = setTimeout(() => this.abort.abort(), this.opts.drainMs ?? 3_000);
    await stopping;
    clearTimeout(timer);
    this.writer.close();
  }

  /** Runs a job now; exported for tests that drive time by hand. */
  async runJob(job: Job): Promise<void> {
    const [checkId, schedule] = job.key.split('#') as [string, string | undefined];
    const tracked = this.tracked.get(checkId);
    if (!tracked) return;
    const run = await runCheck(tracked.check, { configDir: this.opts.configDir, signal: this.abort.signal, schedule });
    // A run cut short by shutdown says nothing about the target.
    if (this.abort.signal.aborted) return;
    const current = this.tracked.get(checkId);
    if (current !== tracked) return;
    this.record(tracked, run, schedule ?? MAIN_SCOPE);
  }

  private record(tracked: Tracked, run: Run, scope: string): void {
    const { check } = tracked;
    const { result } = run;
    const ts = run.startedAt;
    const t = applyRun(tracked.state, result, check, ts, scope);
    tracked.state = t.next;
    const latencyMs = result.error && NO_ANSWER.has(result.error) ? undefined : result.timings.totalMs;
    this.writer.push({ checkKey: tracked.key, ts, result, attempts: run.attempts, latencyMs, state: t.next, history: scope === MAIN_SCOPE });
    if (t.changed) this.opts.logger.info({ check: check.id, from: t.changed.from, to: t.changed.to, reason: result.message }, 'check state changed');
    for (const f of t.raised) this.opts.logger.warn({ check: check.id, finding: f.key, severity: f.severity }, f.message);
    this.opts.onRun?.(check, run);
    this.opts.onObservation(probeObservation(check, ts, result, t, scope));
  }
}

function toRecord(check: Check): CheckRecord {
  return {
    id: check.id,
    service: check.service,
    kind: check.kind,
    name: check.name,
    target: targetOf(check).display,
    intervalMs: check.interval,
    // Secrets serialize as [redacted], so the hash never depends on (or reveals) a credential.
    configHash: createHash('sha256').update(JSON.stringify(check)).digest('hex').slice(0, 16),
  };
}
