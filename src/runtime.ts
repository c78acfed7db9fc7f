import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { systemClock, type Clock } from './clock.js';
import { loadConfig, type PicketConfig } from './config/load.js';
import { formatIssue } from './config/issues.js';
import type { Observation, ObservationSink } from './correlate/observation.js';
import { Escalation } from './correlate/escalation.js';
import { MaintenanceWindows } from './correlate/maintenance.js';
import { IncidentPipeline, loginChecksOf, TICK_MS } from './correlate/pipeline.js';
import { createChannel, type Channel } from './notify/channels/index.js';
import { enqueueDigest } from './notify/digest.js';
import { OutboxWorker } from './notify/outbox-worker.js';
import type { Logger } from './log.js';
import { ServiceMatcher } from './ingest/service-matcher.js';
import { TelemetryIngest } from './ingest/telemetry.js';
import { WebhookIngest } from './ingest/webhooks.js';
import { ingestRoutes } from './ingest/routes.js';
import { CheckRunner } from './probe/check-runner.js';
import { requireReader } from './server/admin-auth.js';
import { checkRoutes } from './server/api/checks.js';
import { externalEventRoutes } from './server/api/external-events.js';
import { incidentRoutes } from './server/api/incidents.js';
import { outboxRoutes } from './server/api/outbox.js';
import { serviceRoutes } from './server/api/services.js';
import { silenceRoutes } from './server/api/silences.js';
import { dashboardRoutes } from './server/dashboard/routes.js';
import { startHttpServer, type HttpServer } from './server/http-server.js';
import { PicketMetrics } from './server/metrics.js';
import { readinessRoutes } from './server/readiness.js';
import { Retention } from './store/retention.js';
import { Store } from './store/store.js';

export interface Runtime {
  readonly store: Store;
  readonly runner: CheckRunner;
  readonly http: HttpServer;
  readonly webhooks: WebhookIngest;
  readonly telemetry: TelemetryIngest;
  readonly pipeline: IncidentPipeline;
  readonly escalation: Escalation;
  readonly outbox: OutboxWorker;
  readonly metrics: PicketMetrics;
  /** Subscribes to every observation (probe results, external events, telemetry). */
  observe(sink: ObservationSink): void;
  /** Re-reads the config file and applies what can change without a restart (checks); keeps running on errors. */
  reload(): boolean;
  /** Stops every subsystem in the reverse order of starting and closes the store. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  logger: Logger;
  clock?: Clock;
}

/** Wires picket's subsystems from a loaded config; `picket start` and the demo both run this. */
export async function startRuntime(config: PicketConfig, opts: RuntimeOptions): Promise<Runtime> {
  const { logger } = opts;
  const clock = opts.clock ?? systemClock;
  const dbPath = path.resolve(config.dir, config.storage.path);
  const store = Store.open(dbPath);
  // The checkpointer's thread is running before the busy rest of start-up: a worker thread starting up puts V8's
  // flags back to the command line's, and they are set again only once the thread is online, which a busy start-up
  // would delay by a second of allocation.
  await store.started();
  logger.info({ db: dbPath }, 'store open');

  const channels = new Map<string, Channel>(Object.entries(config.channels).map(([name, cfg]) => [name, createChannel(name, cfg)]));
  const outbox = new OutboxWorker({ outbox: store.outbox, channels, clock, logger, retryForMs: config.escalation.retryFor });
  const links = { baseUrl: config.server.publicUrl ?? `http://${config.server.host}:${config.server.port}` };
  const escalation = new Escalation({
    config: config.escalation,
    channels: [...channels.keys()],
    outbox: store.outbox,
    silences: store.silences,
    maintenance: new MaintenanceWindows(config.maintenance),
    timeline: (id, ts, kind, message, detail) => store.incidents.addEvent(id, ts, kind, message, detail),
    get baseUrl() {
      return links.baseUrl;
    },
    onEnqueue: () => outbox.wake(),
  });
  const pipeline = new IncidentPipeline({
    detect: config.detect,
    services: config.services,
    crawlers: config.crawlers,
    loginChecks: loginChecksOf(config.checks),
    store: store.incidents,
    clock,
    logger,
    hooks: [escalation.onChange],
    timers: [escalation.due],
  });
  const BASELINES = 'detectors';
  pipeline.engine.restore((store.detectorState.load(BASELINES) ?? {}) as Record<string, unknown>);
  const saveBaselines = () => store.detectorState.save(BASELINES, pipeline.engine.snapshot(), clock.now());
  const ticker = setInterval(() => pipeline.tick(clock.now()), TICK_MS);
  ticker.unref();

  const sinks: ObservationSink[] = [(o) => pipeline.observe(o)];
  const emit = (o: Observation) => {
    for (const sink of sinks) sink(o);
  };

  const matcher = new ServiceMatcher(config.services);
  const webhooks = new WebhookIngest({ sources: config.sources, matcher, store: store.ingest, clock, logger, onObservation: emit });
  const telemetry = new TelemetryIngest({ ...config.telemetry, matcher, store: store.ingest, logger, onObservation: emit });
  const metrics: PicketMetrics = new PicketMetrics({
    checks: () => runner.checks.map((c) => ({ id: c.id, kind: c.kind, service: c.service, state: runner.stateOf(c.id)?.state ?? 'unknown' })),
    openIncidents: () => pipeline.correlator.openIncidents(),
    outboxDepth: () => store.outbox.depth(),
    notifications: () => outbox.stats,
    webhooks: () => webhooks.counts,
    telemetry: () => telemetry.counts,
    scheduler: () => runner.scheduler.stats,
  });
  const runner: CheckRunner = new CheckRunner({
    store: store.checks,
    configDir: config.dir,
    clock,
    logger,
    onObservation: emit,
    onRun: (check, run) => metrics.probeRan(check, run.result),
    onLateness: metrics.scheduledLate,
  });
  runner.setChecks(config.checks);

  const { adminToken, readToken } = config.server;
  const http = await startHttpServer({
    host: config.server.host,
    port: config.server.port,
    logger,
    onRequest: requireReader(readToken, adminToken),
    plugins: [
      ingestRoutes(webhooks, telemetry),
      readinessRoutes({
        clock,
        writeHeartbeat: (now) => store.heartbeat(now),
        schedulerTickAt: () => runner.scheduler.lastTickAt,
        outboxRunAt: () => outbox.lastRunAt,
      }),
      metrics.routes(),
      checkRoutes(store.checkHistory, clock),
      incidentRoutes({ incidents: store.incidents, outbox: store.outbox, correlator: pipeline.correlator, clock, adminToken }),
      outboxRoutes(store.outbox),
      serviceRoutes({ names: config.services, history: store.checkHistory, incidents: store.incidents, clock }),
      externalEventRoutes(store.ingest),
      silenceRoutes(store.silences, clock, adminToken),
      dashboardRoutes({ history: store.checkHistory, incidents: store.incidents, outbox: store.outbox, services: config.services, clock }),
    ],
  });
  logger.info({ url: http.url }, 'listening');
  if (!config.server.publicUrl) links.baseUrl = http.url;
  if (!readToken && !isLoopback(config.server.host)) {
    logger.warn({ host: config.server.host }, 'the API, dashboard and /metrics are readable by anyone who can reach this address: set server.readToken');
  }
  outbox.start();
  runner.start();
  logger.info({ checks: runner.checks.length }, 'scheduler running');

  const retention = new Retention(store.db, {
    rawMs: config.storage.retention.raw,
    minuteMs: config.storage.retention.minute,
    hourMs: config.storage.retention.hour,
  });
  const digest = config.escalation.digest;
  const jobs: ScheduledTask[] = [
    cron.schedule('*/5 * * * *', saveBaselines, { name: 'save-baselines' }),
    ...(digest
      ? [cron.schedule(digest.cron, () => enqueueDigest({ incidents: store.incidents, outbox: store.outbox, channels: digest.notify, now: clock.now(), baseUrl: links.baseUrl, wake: () => outbox.wake() }), { name: 'digest' })]
      : []),
    cron.schedule(
      '17 * * * *',
      async () => {
        const deleted = await retention.run();
        logger.debug({ deleted }, 'retention run');
      },
      { name: 'retention', noOverlap: true },
    ),
  ];

  return {
    store,
    runner,
    http,
    webhooks,
    telemetry,
    pipeline,
    escalation,
    outbox,
    metrics,
    observe(sink) {
      sinks.push(sink);
    },
    reload() {
      const result = loadConfig(config.file);
      if (!result.ok) {
        logger.error({ errors: result.issues.map(formatIssue) }, 'reload refused: configuration has errors; still running the previous one');
        return false;
      }
      runner.setChecks(result.config.checks);
      logger.info({ checks: runner.checks.length }, 'configuration reloaded');
      return true;
    },
    async stop() {
      for (const job of jobs) await job.destroy();
      // Stop taking requests first; what was accepted is committed before the store closes.
      await http.close();
      webhooks.close();
      telemetry.close();
      await runner.stop();
      clearInterval(ticker);
      // The worker finishes the delivery in progress; what is left stays in the outbox for the next start.
      await outbox.stop();
      saveBaselines();
      await store.close();
      logger.info('stopped');
    },
  };
}


function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
