import path from 'node:path';
import cron, { type ScheduledTask } from 'node-cron';
import { systemClock, type Clock } from './clock.js';
import { loadConfig, type PicketConfig } from './config/load.js';
import { formatIssue } from './config/issues.js';
import type { Observation, ObservationSink } from './correlate/observation.js';
import { IncidentPipeline, loginChecksOf, TICK_MS } from './correlate/pipeline.js';
import type { Logger } from './log.js';
import { ServiceMatcher } from './ingest/service-matcher.js';
import { TelemetryIngest } from './ingest/telemetry.js';
import { WebhookIngest } from './ingest/webhooks.js';
import { ingestRoutes } from './ingest/routes.js';
import { CheckRunner } from './probe/check-runner.js';
import { externalEventRoutes } from './server/api/external-events.js';
import { startHttpServer, type HttpServer } from './server/http-server.js';
import { Retention } from './store/retention.js';
import { Store } from './store/store.js';

export interface Runtime {
  readonly store: Store;
  readonly runner: CheckRunner;
  readonly http: HttpServer;
  readonly webhooks: WebhookIngest;
  readonly telemetry: TelemetryIngest;
  readonly pipeline: IncidentPipeline;
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
  logger.info({ db: dbPath }, 'store open');

  const pipeline = new IncidentPipeline({
    detect: config.detect,
    services: config.services,
    crawlers: config.crawlers,
    loginChecks: loginChecksOf(config.checks),
    store: store.incidents,
    clock,
    logger,
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
  const http = await startHttpServer({
    host: config.server.host,
    port: config.server.port,
    logger,
    plugins: [ingestRoutes(webhooks, telemetry), externalEventRoutes(store.ingest)],
  });
  logger.info({ url: http.url }, 'listening');

  const runner = new CheckRunner({ store: store.checks, configDir: config.dir, clock, logger, onObservation: emit });
  runner.setChecks(config.checks);
  runner.start();
  logger.info({ checks: runner.checks.length }, 'scheduler running');

  const retention = new Retention(store.db, {
    rawMs: config.storage.retention.raw,
    minuteMs: config.storage.retention.minute,
    hourMs: config.storage.retention.hour,
  });
  const jobs: ScheduledTask[] = [
    cron.schedule('*/5 * * * *', saveBaselines, { name: 'save-baselines' }),
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
      saveBaselines();
      await store.close();
      logger.info('stopped');
    },
  };
}

