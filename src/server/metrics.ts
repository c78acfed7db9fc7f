import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Incident } from '../correlate/incident.js';
import { yieldToLoop } from '../event-loop.js';
import type { OutboxState } from '../store/outbox-repository.js';
import { CheckMetrics, type CheckStateSource, type ProbeRunOutcome } from './check-metrics.js';

/** What /metrics reads at scrape time; counts the subsystems keep themselves. */
export interface MetricSources {
  checks(): CheckStateSource[];
  openIncidents(): Pick<Incident, 'class' | 'severity'>[];
  outboxDepth(): { channel: string; state: OutboxState; count: number }[];
  notifications(): { delivered: number; retried: number; dead: number };
  /** Webhook requests by `source\0outcome`. */
  webhooks(): ReadonlyMap<string, number>;
  telemetry(): { accepted: number; rejected: number; refused: number };
  scheduler(): { launched: number; skipped: number; missed: number };
}

const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5];

/**
 * picket's Prometheus metrics. The families with few series live on a prom-client registry of its own (so an
 * embedding app's default registry is left alone); those with a series per check are `CheckMetrics`, written a
 * slice at a time. Labels are bounded: check id and kind, service, class, severity, channel, source name and
 * outcome; never a URL, an IP or a user.
 */
export class PicketMetrics {
  private readonly registry = new Registry();
  private readonly perCheck = new CheckMetrics();
  private readonly lateness: Histogram;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.lateness = new Histogram({
      name: 'picket_scheduler_lateness_seconds',
      help: 'How late each scheduled run started after its due time.',
      buckets: LATENESS_BUCKETS,
      registers,
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
  readonly probeRan = (check: { id: string; kind: string }, result: ProbeRunOutcome): void => {
    this.perCheck.probeRan(check, result);
  };

  readonly scheduledLate = (ms: number): void => {
    this.lateness.observe(Math.max(0, ms) / 1000);
  };

  /**
   * The exposition, a part at a time: the registry's families one per turn of the event loop, then the per-check
   * families a slice of checks per turn.
   */
  async *parts(): AsyncGenerator<string> {
    for (const metric of this.registry.getMetricsAsArray()) {
      yield `${await this.registry.getSingleMetricAsString(metric.name)}\n\n`;
      await yieldToLoop();
    }
    yield* this.perCheck.parts(this.sources.checks());
  }

  routes() {
    return async (app: FastifyInstance) => {
      app.get('/metrics', async (_req, reply) => reply.header('content-type', this.registry.contentType).send(Readable.from(this.parts())));
    };
  }
}
