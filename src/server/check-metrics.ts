import { textInTurns } from '../event-loop.js';

/** A configured check as /metrics shows its state. */
export interface CheckStateSource {
  id: string;
  kind: string;
  service: string;
  state: string;
}

/** What a finished probe run tells the metrics. */
export interface ProbeRunOutcome {
  ok: boolean;
  error?: string;
  status?: number;
  timings: { totalMs: number };
}

const CHECK_STATES = ['up', 'down', 'unknown'] as const;
/** Probe latency buckets (seconds): security endpoints answer in milliseconds; timeouts sit at the top. */
const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BUCKET_LABELS = [...PROBE_BUCKETS.map(String), '+Inf'];
/**
 * Checks written per turn of the event loop. A thousand checks are 1.5 MB of text; prom-client writes a family in
 * one go, which took 20–60 ms for the latency histogram alone, and ten times that with ten thousand checks.
 */
const CHECKS_PER_TURN = 200;

const RUNS = 'picket_probe_runs_total';
const DURATION = 'picket_probe_duration_seconds';
const STATE = 'picket_check_state';

/** Label values escaped as the Prometheus text format (and prom-client) does. */
export function labelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function header(name: string, type: string, help: string): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

/** One check's probe series: runs by result, and the latency histogram of answered runs. */
interface ProbeSeries {
  /** `check="…",kind="…"`, escaped once. */
  labels: string;
  runs: Map<string, number>;
  /** Runs per bucket, not cumulative; the last one is +Inf. */
  buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * The families with a series per check (probe runs, probe latency, check state), written as Prometheus text a slice
 * of checks per turn of the event loop, so a scrape of thousands of checks never holds up probes or requests. The
 * text is what prom-client writes for the same counter, histogram and gauge.
 */
export class CheckMetrics {
  /** By check id and kind; a check keeps its series until picket restarts, as counters should. */
  private readonly series = new Map<string, ProbeSeries>();

  probeRan(check: { id: string; kind: string }, result: ProbeRunOutcome): void {
    const s = this.seriesOf(check);
    const outcome = result.ok ? 'ok' : (result.error ?? 'fail');
    s.runs.set(outcome, (s.runs.get(outcome) ?? 0) + 1);
    if (!result.ok && result.status === undefined) return;
    const seconds = result.timings.totalMs / 1000;
    let i = 0;
    while (i < PROBE_BUCKETS.length && seconds > PROBE_BUCKETS[i]!) i++;
    s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /** The three families, a part at a time; each part ends with a newline. */
  async *parts(checks: readonly CheckStateSource[]): AsyncGenerator<string> {
    const series = [...this.series.values()];
    yield header(RUNS, 'counter', 'Probe runs by check and result (ok, or the error class of a failed run).');
    yield* textInTurns(series, runLines, CHECKS_PER_TURN);
    yield header(DURATION, 'histogram', 'Probe latency by check (answered runs only).');
    yield* textInTurns(series, durationLines, CHECKS_PER_TURN);
    yield header(STATE, 'gauge', 'Check state, one series per state set to 1 for the current one.');
    yield* textInTurns(checks, stateLines, CHECKS_PER_TURN);
  }

  private seriesOf(check: { id: string; kind: string }): ProbeSeries {
    const key = `${check.id}\u0000${check.kind}`;
    let s = this.series.get(key);
    if (!s) {
      s = { labels: `check="${labelValue(check.id)}",kind="${labelValue(check.kind)}"`, runs: new Map(), buckets: new Float64Array(BUCKET_LABELS.length), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    return s;
  }
}

function runLines(s: ProbeSeries): string {
  let out = '';
  for (const [outcome, n] of s.runs) out += `${RUNS}{${s.labels},result="${labelValue(outcome)}"} ${n}\n`;
  return out;
}

function durationLines(s: ProbeSeries): string {
  if (s.count === 0) return '';
  let out = '';
  let cumulative = 0;
  for (let i = 0; i < BUCKET_LABELS.length; i++) {
    cumulative += s.buckets[i]!;
    out += `${DURATION}_bucket{le="${BUCKET_LABELS[i]}",${s.labels}} ${cumulative}\n`;
  }
  return `${out}${DURATION}_sum{${s.labels}} ${s.sum}\n${DURATION}_count{${s.labels}} ${s.count}\n`;
}

function stateLines(c: CheckStateSource): string {
  const labels = `check="${labelValue(c.id)}",kind="${labelValue(c.kind)}",service="${labelValue(c.service)}"`;
  let out = '';
  for (const state of CHECK_STATES) out += `${STATE}{${labels},state="${state}"} ${c.state === state ? 1 : 0}\n`;
  return out;
}
