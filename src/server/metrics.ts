import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Incident } from '../correlate/incident.js';
import { yieldToLoop } from '../event-loop.js';
import type { OutboxState } from '../store/outbox-repository.js';

/** What /metrics reads at scrape time; counts the subsystems keep themselves. */
export interface MetricSources {
  checks(): { id: string; kind: string; service: string; state: string }[];
  openIncidents(): Pick<Incident, 'class' | 'severity'>[];
  outboxDepth(): { channel: string; state: OutboxState; count: number }[];
  notifications(): { delivered: number; retried: number; dead: number };
  /** Webhook requests by `source\0outcome`. */
  webhooks(): ReadonlyMap<string, number>;
  telemetry(): { accepted: number; rejected: number; refused: number };
  scheduler(): { launched: number; skipped: number; missed: number };
}

const CHECK_STATES = ['up', 'down', 'unknown'] as const;
/** Probe latency buckets (seconds): security endpoints answer in milliseconds; timeouts sit at the top. */
const PROBE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * picket's Prometheus metrics on a registry of its own (so an embedding app's default registry is left alone).
 * Labels are bounded: check id and kind, service, class, severity, channel, source name and outcome; never a URL,
 * an IP or a user.
 */
export class PicketMetrics {
  readonly registry = new Registry();
  private readonly probeRuns: Counter<'check' | 'kind' | 'result'>;
  private readonly probeSeconds: Histogram<'check' | 'kind'>;
  private readonly lateness: Histogram;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.probeRuns = new Counter({
      name: 'picket_probe_runs_total',
      help: 'Probe runs by check and result (ok, or the error class of a failed run).',
      labelNames: ['check', 'kind', 'result'],
      registers,
    });
    this.probeSeconds = new Histogram({
      name: 'picket_probe_duration_seconds',
      help: 'Probe latency by check (answered runs only).',
      labelNames: ['check', 'kind'],
      buckets: PROBE_BUCKETS,
      registers,
    });
    this.lateness = new Histogram({
      name: 'picket_scheduler_lateness_seconds',
      help: 'How late each scheduled run started after its due time.',
      buckets: LATENESS_BUCKETS,
      registers,
    });
    // Series are set for the checks whose state (or kind or service) changed since the last scrape: setting three
    // series of a thousand checks on every scrape was most of the cost of collecting.
    const shown = new Map<string, { kind: string; service: string; state: string }>();
    new Gauge({
      name: 'picket_check_state',
      help: 'Check state, one series per state set to 1 for the current one.',
      labelNames: ['check', 'kind', 'service', 'state'],
      registers,
      collect() {
        const seen = new Set<string>();
        for (const c of sources.checks()) {
          seen.add(c.id);
          const was = shown.get(c.id);
          if (was?.state === c.state && was.kind === c.kind && was.service === c.service) continue;
          if (was) for (const state of CHECK_STATES) this.remove({ check: c.id, kind: was.kind, service: was.service, state });
          for (const state of CHECK_STATES) this.set({ check: c.id, kind: c.kind, service: c.service, state }, c.state === state ? 1 : 0);
          shown.set(c.id, { kind: c.kind, service: c.service, state: c.state });
        }
        for (const [id, was] of shown) {
          if (seen.has(id)) continue;
          for (const state of CHECK_STATES) this.remove({ check: id, kind: was.kind, service: was.service, state });
          shown.delete(id);
        }
      },
    });
    new Gauge({
      name: 'picket_incidents_open',
      help: 'Open incidents by class and severity.',
      labelNames: ['class', 'severity'],
      registers,
      collect() {
        this.reset();
        for (const i of sources.openIncidents()) this.inc({ class: i.class, severity: i.severity });
      },
    });
    new Gauge({
      name: 'picket_outbox_rows',
      help: 'Notifications waiting (pending) and given up on (dead letters), by channel.',
      labelNames: ['channel', 'state'],
      registers,
      collect() {
        this.reset();
        for (const d of sources.outboxDepth()) this.set({ channel: d.channel, state: d.state }, d.count);
      },
    });
    new Counter({
      name: 'picket_notifications_total',
      help: 'Delivery attempts by outcome since start: delivered, retried, dead.',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(sources.notifications())) this.inc({ outcome }, n);
      },
    });
    new Counter({
      name: 'picket_webhooks_total',
      help: 'Webhook requests by source and outcome (accepted, duplicate, or the error code).',
      labelNames: ['source', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const [key, n] of sources.webhooks()) {
          const [source, outcome] = key.split('\u0000') as [string, string];
          this.inc({ source, outcome }, n);
        }
      },
    });
    new Counter({
      name: 'picket_telemetry_records_total',
      help: 'Telemetry records accepted and rejected (invalid), and batches refused (auth, size, store).',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(sources.telemetry())) this.inc({ outcome }, n);
      },
    });
    new Counter({
      name: 'picket_scheduler_runs_total',
      help: 'Scheduled runs: launched, skipped (the previous run was still going) and missed (intervals without a run).',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(sources.scheduler())) this.inc({ outcome }, n);
      },
    });
  }

  /** Feed of every finished probe run. */
  readonly probeRan = (check: { id: string; kind: string }, result: { ok: boolean; error?: string; status?: number; timings: { totalMs: number } }): void => {
    this.probeRuns.inc({ check: check.id, kind: check.kind, result: result.ok ? 'ok' : (result.error ?? 'fail') });
    if (result.ok || result.status !== undefined) this.probeSeconds.observe({ check: check.id, kind: check.kind }, result.timings.totalMs / 1000);
  };

  readonly scheduledLate = (ms: number): void => {
    this.lateness.observe(Math.max(0, ms) / 1000);
  };

  /**
   * What `registry.metrics()` gives, one metric per turn of the event loop: with a thousand checks the text is 1.5 MB
   * and took 30–60 ms to build in one go.
   */
  async text(): Promise<string> {
    const parts: string[] = [];
    for (const metric of this.registry.getMetricsAsArray()) {
      parts.push(await this.registry.getSingleMetricAsString(metric.name));
      await yieldToLoop();
    }
    return `${parts.join('\n\n')}\n`;
  }

  routes() {
    return async (app: FastifyInstance) => {
      app.get('/metrics', async (_req, reply) => {
        reply.header('content-type', this.registry.contentType);
        return this.text();
      });
    };
  }
}
