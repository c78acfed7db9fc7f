import type { AuthOutcome, RequestObservation } from './correlate/observation.js';
import { isIpAddress } from './ip-address.js';

/**
 * The telemetry record the plugin sends and `POST /v1/events` accepts (one JSON object, or one NDJSON line).
 * Shared by both sides so they cannot drift apart.
 */
export interface TelemetryRecord {
  /** ISO 8601 or epoch milliseconds. */
  ts: string | number;
  method?: string;
  route?: string;
  path?: string;
  status: number;
  latencyMs?: number;
  ip: string;
  user?: string;
  auth?: AuthOutcome;
  bytesOut?: number;
  ua?: string;
  country?: string;
  asn?: number;
}

const AUTH = new Set(['success', 'failure', 'none']);
const MAX_TEXT = 512;

const YEAR_2000 = Date.UTC(2000, 0, 1);
const YEAR_2100 = Date.UTC(2100, 0, 1);

/**
 * A time any sender could mean. Times far outside it (1e308, year −200000) are refused, because windows keyed by
 * them would stretch across billions of slots.
 */
export function isPlausibleTime(ms: number): boolean {
  return ms >= YEAR_2000 && ms < YEAR_2100;
}

/**
 * Validates one record into the observation the detectors see, its time as epoch ms and its route decided, with the
 * service `serviceOf` gives the route. Unknown fields are ignored. Returns the observation or the reason the record
 * is rejected.
 */
export function validateRecord(raw: unknown, serviceOf: (route: string) => string): RequestObservation | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'not a JSON object';
  const r = raw as Record<string, unknown>;
  const ts = typeof r.ts === 'number' ? (Number.isFinite(r.ts) && r.ts > 0 ? r.ts : NaN) : typeof r.ts === 'string' ? Date.parse(r.ts) : NaN;
  if (r.ts === undefined) return 'ts is required';
  if (!Number.isFinite(ts)) return 'ts must be ISO 8601 or epoch milliseconds';
  const ms = typeof r.ts === 'number' && r.ts < 1e11 ? Math.round(ts * 1000) : ts;
  if (!isPlausibleTime(ms)) return 'ts must be between the years 2000 and 2100';
  const where = typeof r.route === 'string' && r.route !== '' ? r.route : typeof r.path === 'string' && r.path !== '' ? collapsePath(r.path) : undefined;
  if (where === undefined) return 'route (or path) is required';
  if (where.length > 2048) return 'route is longer than 2048 characters';
  if (typeof r.status !== 'number' || !Number.isInteger(r.status) || r.status < 100 || r.status > 599) return 'status must be an integer from 100 to 599';
  if (typeof r.ip !== 'string' || !isIpAddress(r.ip)) return 'ip must be an IPv4 or IPv6 address';
  if (r.auth !== undefined && (typeof r.auth !== 'string' || !AUTH.has(r.auth))) return 'auth must be success, failure or none';
  if (r.latencyMs !== undefined && (typeof r.latencyMs !== 'number' || !(r.latencyMs >= 0))) return 'latencyMs must be a number ≥ 0';
  if (r.bytesOut !== undefined && (typeof r.bytesOut !== 'number' || !Number.isInteger(r.bytesOut) || r.bytesOut < 0)) return 'bytesOut must be an integer ≥ 0';
  if (r.asn !== undefined && (typeof r.asn !== 'number' || !Number.isInteger(r.asn) || r.asn < 0)) return 'asn must be an integer';
  // One named check per field: a loop over the names would read the record by a computed key, slow in the hot path.
  if (!isOptionalText(r.method)) return 'method must be text';
  if (!isOptionalText(r.user)) return 'user must be text';
  if (!isOptionalText(r.ua)) return 'ua must be text';
  if (!isOptionalText(r.country)) return 'country must be text';
  // Every field present, in one order: the detectors then see one object shape, not one per combination of fields.
  const out: RequestObservation = {
    type: 'request',
    service: serviceOf(where),
    ts: ms,
    route: where,
    status: r.status,
    ip: r.ip,
    auth: (r.auth as AuthOutcome | undefined) ?? 'none',
    method: typeof r.method === 'string' ? upperCase(r.method).slice(0, 16) : undefined,
    resource: typeof r.path === 'string' ? resourceOf(r.path) : undefined,
    latencyMs: typeof r.latencyMs === 'number' ? r.latencyMs : undefined,
    user: typeof r.user === 'string' && r.user !== '' ? r.user.slice(0, MAX_TEXT) : undefined,
    bytesOut: typeof r.bytesOut === 'number' ? r.bytesOut : undefined,
    ua: typeof r.ua === 'string' ? r.ua.slice(0, MAX_TEXT) : undefined,
    country: typeof r.country === 'string' && r.country !== '' ? upperCase(r.country).slice(0, 8) : undefined,
    asn: typeof r.asn === 'number' ? r.asn : undefined,
  };
  return out;
}

/** Upper case, with no new string for text that already is: nearly every method and country code. */
function upperCase(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || c > 127) return s.toUpperCase();
  }
  return s;
}

const isOptionalText = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/**
 * The number a string of ASCII digits spells, or NaN for anything else: the common id, told apart and read without a
 * regular expression or `Number()` on every record. Past 15 digits the value is approximate, as `Number()`'s is.
 */
export function digitsValue(s: string): number {
  if (s === '') return NaN;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** Only ASCII digits. */
export const isDigits = (s: string): boolean => !Number.isNaN(digitsValue(s));

const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,})$/i;

/** The last id-like segment of a path, if any. */
export function resourceOf(path: string): string | undefined {
  // Walks the segments from the end without splitting: this runs on every telemetry record.
  let end = path.length;
  const query = path.indexOf('?');
  if (query !== -1) end = query;
  const fragment = path.indexOf('#');
  if (fragment !== -1 && fragment < end) end = fragment;
  while (end > 0) {
    const start = path.lastIndexOf('/', end - 1) + 1;
    const segment = path.slice(start, end);
    if (isDigits(segment) || ID_SEGMENT.test(segment)) return segment.slice(0, 64);
    end = start - 1;
  }
  return undefined;
}

/**
 * A path with the parts that identify one resource (numbers, UUIDs, long hex or token-like segments) replaced by
 * `:id`, and no query string, so per-route counts stay bounded and no id or token is kept.
 */
export function collapsePath(path: string): string {
  const bare = path.split('?')[0]!.split('#')[0]!;
  return bare
    .split('/')
    .map((seg) => (ID_SEGMENT.test(seg) ? ':id' : seg))
    .join('/');
}
