import { z } from 'zod';
import { INCIDENT_CLASSES, SEVERITIES } from '../correlate/classes.js';
import { sourceAuthTypes } from '../ingest/auth/index.js';
import { sourceFormats } from '../ingest/formats/index.js';
import { channelKinds } from '../notify/channels/index.js';
import { crawlerSchema, detectSchema } from '../detect/config.js';
import { checkBaseShape } from '../probe/check.js';
import { checkKinds } from '../probe/index.js';
import { duration } from './duration.js';
import { byteSize, flag, port, positiveInt, httpUrl } from './fields.js';
import { secret } from './secret.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const name = (what: string) => z.string().regex(NAME, `${what} names use letters, digits, ".", "_" and "-"`);

/** One check; the keys beyond the common ones depend on `kind`. */
export const checkSchema = z.discriminatedUnion(
  'kind',
  checkKinds.map((k) => z.strictObject({ ...checkBaseShape, kind: z.literal(k.kind), ...k.schema.shape })) as unknown as [
    z.ZodObject<typeof checkBaseShape & { kind: z.ZodLiteral<string> }>,
  ],
);

/** A check file is a list of checks. */
export const checksFileSchema = z.array(checkSchema).meta({ title: 'picket check file', description: 'checks/*.yaml: a list of checks' });

const sourceAuthSchema = z.discriminatedUnion(
  'type',
  sourceAuthTypes.map((a) => z.strictObject({ type: z.literal(a.type), ...a.schema.shape })) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>],
);

const sourceBaseShape = {
  auth: sourceAuthSchema,
  maxBodyBytes: byteSize().prefault('1MiB'),
  /** Requests per second this source may send before it gets 429 with Retry-After. */
  rateLimit: positiveInt().default(200),
};

const sourceSchema = z.discriminatedUnion(
  'format',
  sourceFormats.map((f) => z.strictObject({ format: z.literal(f.format), ...sourceBaseShape, ...f.options.shape })) as unknown as [
    z.ZodObject<typeof sourceBaseShape & { format: z.ZodLiteral<string> }>,
  ],
);

export const channelSchema = z.discriminatedUnion(
  'type',
  channelKinds.map((c) => z.strictObject({ type: z.literal(c.kind), ...c.schema.shape })) as unknown as [z.ZodObject<{ type: z.ZodLiteral<string> }>],
);

const serviceSchema = z.strictObject({
  name: z.string().optional(),
  /** Telemetry routes of this service: `*` matches any run of characters. */
  routes: z.array(z.string().min(1)).default([]),
  /** External monitors of this service, by monitor id or URL. */
  monitors: z.array(z.string().min(1)).default([]),
  /** Detection thresholds for this service, over the top-level `detect`. */
  detect: detectSchema.optional(),
});

const levelSchema = z.strictObject({ after: duration().prefault('0s'), notify: z.array(z.string()).min(1) });

const escalationSchema = z.strictObject({
  policies: z.record(name('policy'), z.array(levelSchema).min(1)).default({}),
  routes: z
    .array(
      z.strictObject({
        match: z
          .strictObject({
            severity: z.enum(SEVERITIES).optional(),
            class: z.string().optional(),
            service: z.string().optional(),
          })
          .prefault({}),
        policy: z.string(),
      }),
    )
    .default([]),
  /** Re-page open, unacknowledged incidents at the last level reached; `0s` turns it off. */
  repeat: duration().prefault('1h'),
  /** Tell every channel that was paged when the incident resolves. */
  resolved: flag().default(true),
  /** Many availability incidents opening within `window` (a network cut) page as one, from the `threshold`-th on. */
  grouping: z.strictObject({ window: duration({ min: 1_000 }).prefault('1m'), threshold: positiveInt().default(3) }).prefault({}),
  /** An incident that resolves and reopens more than `changes` times in `window` pages once as flapping. */
  flapping: z.strictObject({ changes: positiveInt().default(4), window: duration({ min: 60_000 }).prefault('10m') }).prefault({}),
  /** Least time between two pages of one incident (repeats, reopenings); severity rises and resolves are not held. */
  cooldown: duration().prefault('5m'),
  /** A notification that keeps failing is retried this long, then kept as a dead letter. */
  retryFor: duration({ min: 60_000 }).prefault('24h'),
  /** A daily list of info-level incidents (never paged one by one). */
  digest: z.strictObject({ cron: z.string().default('0 8 * * *'), notify: z.array(z.string()).min(1) }).optional(),
});

export const picketFileSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: port().default(8787),
        adminToken: secret().optional(),
        /** When set, the API's read calls, the dashboard and /metrics need it (or the admin token). */
        readToken: secret().optional(),
        publicUrl: httpUrl().optional(),
      })
      .prefault({}),
    storage: z
      .strictObject({
        path: z.string().default('./data/picket.db'),
        retention: z
          .strictObject({
            raw: duration({ min: 3_600_000 }).prefault('7d'),
            minute: duration({ min: 86_400_000 }).prefault('90d'),
            hour: duration({ min: 86_400_000 }).prefault('2y'),
          })
          .prefault({}),
      })
      .prefault({}),
    checksDir: z.string().default('./checks'),
    services: z.record(name('service'), serviceSchema).default({}),
    sources: z.record(name('source'), sourceSchema).default({}),
    telemetry: z
      .strictObject({
        token: secret().optional(),
        maxBatchRecords: positiveInt(100_000).default(10_000),
        maxBatchBytes: byteSize().prefault('5MiB'),
      })
      .prefault({}),
    channels: z.record(name('channel'), channelSchema).default({}),
    escalation: escalationSchema.prefault({}),
    /** Detection thresholds for every service (see README, "Detection"). */
    detect: detectSchema.default({}),
    /** Declared crawlers: scraping by them is recorded, not raised. */
    crawlers: z.array(crawlerSchema).default([]),
    maintenance: z
      .array(
        z.strictObject({
          service: z.string(),
          cron: z.string().min(1),
          duration: duration({ min: 60_000 }),
          reason: z.string().optional(),
          /** IANA time zone of the cron expression; default the system's. */
          timezone: z.string().optional(),
        }),
      )
      .default([]),
  })
  .meta({ title: 'picket.yaml', description: 'picket configuration' });

export type PicketFile = z.output<typeof picketFileSchema>;
export type CheckConfig = z.output<typeof checkSchema>;
export { INCIDENT_CLASSES };
