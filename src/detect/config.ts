import { z } from 'zod';
import { duration } from '../config/duration.js';

/**
 * Detection thresholds. Every key is optional in config: `detect:` at the top level changes the defaults for every
 * service, `services.<name>.detect:` for one. The defaults and where they come from are in README ("Detection").
 */
const num = () => z.number().nonnegative();
const int = () => z.number().int().nonnegative();

const shape = {
  errorRate: z.strictObject({
    /** Long and short windows and burn rate of the fast page (SRE workbook: 1 h / 5 m at 14.4×). */
    pageLong: duration(), pageShort: duration(), pageBurn: num(),
    /** The slower page (6 h / 30 m at 6×). */
    slowLong: duration(), slowShort: duration(), slowBurn: num(),
    /** The normal error ratio never counts as lower than this, so a service with no errors does not page on one. */
    baselineFloor: num(),
    /** Events of the class needed in the short window. */
    minEvents: int(),
    /** Poisson tail probability below which a count is a real rise at low volume. */
    significance: num(),
  }).partial(),
  credentialStuffing: z.strictObject({
    window: duration(), attempts: int(), users: int(), triesPerUser: num(),
    /**
     * The distributed form, per service: many IPs, many users, few tries each, mostly from IPs never seen before, with
     * the share of failed logins `distributedFailureFactor` times the service's learned usual share.
     */
    distributedAttempts: int(), distributedUsers: int(), distributedIps: int(), distributedTriesPerUser: num(), newIpShare: num(), distributedFailureFactor: num(),
  }).partial(),
  passwordSpray: z.strictObject({ window: duration(), users: int(), triesPerUser: num(), failureShare: num() }).partial(),
  bruteForce: z.strictObject({
    burstCount: int(), burstWindow: duration(), sustainedCount: int(), sustainedWindow: duration(),
    distributedCount: int(), distributedIps: int(), distributedWindow: duration(),
  }).partial(),
  accountTakeover: z.strictObject({ window: duration(), attackerFailures: int() }).partial(),
  unusualLocation: z.strictObject({ minHistory: int(), travelWindow: duration(), newAsnShare: num() }).partial(),
  scraping: z.strictObject({ window: duration(), requests: int(), resources: int(), sequential: int() }).partial(),
  exfiltration: z.strictObject({ window: duration(), factor: num(), minBytes: int() }).partial(),
  dos: z.strictObject({ factor: num(), minRequestsPerMinute: int(), latencyFactor: num(), tooManyShare: num(), errorShare: num() }).partial(),
  latency: z.strictObject({ runs: int(), factor: num(), minMs: num(), sustained: int() }).partial(),
  /** An attack incident with no new signal for this long resolves. */
  quietPeriod: duration(),
  /** Signals this close to an open incident's last one join it. */
  mergeWindow: duration(),
  /** An incident open this long goes up one severity step. */
  persistFor: duration(),
};

export const detectSchema = z.strictObject(shape).partial();

/** Declared crawlers: detected like anyone else, then recorded as allowed rather than raised as an attack. */
export const crawlerSchema = z.strictObject({
  name: z.string(),
  asns: z.array(z.number().int()).default([]),
  /** A regular expression matched against the User-Agent. */
  userAgent: z.string().optional(),
});

export type DetectOverrides = z.output<typeof detectSchema>;

const MIN = 60_000;
const HOUR = 3_600_000;

export const DETECT_DEFAULTS = {
  errorRate: { pageLong: HOUR, pageShort: 5 * MIN, pageBurn: 14.4, slowLong: 6 * HOUR, slowShort: 30 * MIN, slowBurn: 6, baselineFloor: 0.01, minEvents: 20, significance: 1e-4 },
  credentialStuffing: {
    window: 15 * MIN, attempts: 25, users: 15, triesPerUser: 2,
    distributedAttempts: 100, distributedUsers: 50, distributedIps: 20, distributedTriesPerUser: 3, newIpShare: 0.5, distributedFailureFactor: 3,
  },
  passwordSpray: { window: 6 * HOUR, users: 20, triesPerUser: 2, failureShare: 0.8 },
  bruteForce: { burstCount: 5, burstWindow: 10_000, sustainedCount: 10, sustainedWindow: MIN, distributedCount: 20, distributedIps: 3, distributedWindow: 10 * MIN },
  accountTakeover: { window: 3 * HOUR, attackerFailures: 3 },
  unusualLocation: { minHistory: 3, travelWindow: HOUR, newAsnShare: 0.3 },
  scraping: { window: 10 * MIN, requests: 300, resources: 150, sequential: 50 },
  exfiltration: { window: 10 * MIN, factor: 20, minBytes: 10_000_000 },
  dos: { factor: 5, minRequestsPerMinute: 600, latencyFactor: 2, tooManyShare: 0.1, errorShare: 0.05 },
  latency: { runs: 20, factor: 3, minMs: 100, sustained: 3 },
  quietPeriod: 10 * MIN,
  mergeWindow: 15 * MIN,
  persistFor: 15 * MIN,
};

export type DetectConfig = typeof DETECT_DEFAULTS;

/** Defaults, then the top-level `detect`, then the service's own. */
export function resolveDetect(...layers: (DetectOverrides | undefined)[]): DetectConfig {
  const out = structuredClone(DETECT_DEFAULTS) as Record<string, unknown>;
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      if (v !== null && typeof v === 'object') out[k] = { ...(out[k] as object), ...v };
      else if (v !== undefined) out[k] = v;
    }
  }
  return out as DetectConfig;
}
