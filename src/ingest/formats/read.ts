import type { ExternalEvent, ExternalState } from '../../correlate/observation.js';
import { isPlausibleTime } from '../../telemetry-record.js';

/** The body parses but is not the sender's shape: answered with 422 and this message. */
export class ShapeError {
  constructor(readonly message: string) {}
}

export interface FormatContext {
  source: string;
  /** The source's format-specific options from config. */
  options: Record<string, unknown>;
  receivedAt: number;
}

export type ParseResult = ExternalEvent[] | ShapeError;

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The first present key among spellings (`status_code`, `statusCode`), so senders' casing does not matter. */
export function field(obj: Json | undefined, ...names: string[]): unknown {
  if (!obj) return undefined;
  for (const n of names) if (obj[n] !== undefined && obj[n] !== null) return obj[n];
  return undefined;
}

export function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** `table[key]` for a key the sender chose: own entries only, so `__proto__` or `constructor` find nothing. */
export function lookup<T>(table: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A scalar as text for messages and comparisons; objects and arrays (which may carry a hostile `toString`) as their kind. */
export function scalarText(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : typeof v;
}

export function int(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? Math.round(n) : undefined;
}

export function num(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/**
 * ISO 8601 text, or an epoch in seconds or milliseconds (told apart by size), to epoch ms. Text without a zone
 * is taken as UTC, as monitoring services send it.
 */
export function time(v: unknown): number | undefined {
  const ms = parseTime(v);
  // An implausible time (year 0001 in Alertmanager's "no end", 1e308) is no time: the receive time stands in.
  return ms !== undefined && isPlausibleTime(ms) ? ms : undefined;
}

function parseTime(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
  if (typeof n === 'number' && Number.isFinite(n) && n > 0) return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  let s = v.trim().replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(s)) s += 'Z';
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}

/** up/down as words, 1/0 or booleans. */
export function upDown(v: unknown): ExternalState | undefined {
  if (v === true || v === 1) return 'up';
  if (v === false || v === 0) return 'down';
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (['up', '1', 'true', 'ok', 'success', 'resolved', 'operational'].includes(s)) return 'up';
  if (['down', '0', 'false', 'failing', 'failure', 'error', 'critical'].includes(s)) return 'down';
  if (['degraded', 'warning', 'slow', 'pending'].includes(s)) return 'degraded';
  return undefined;
}

/**
 * Drops undefined fields so stored and compared events carry only what the sender said. Copies rather than deletes:
 * an object that lost a property is slow to read for V8, and every event is read again by the store and detection.
 */
export function compact<T extends object>(o: T): T {
  const kept = {} as T;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) kept[k] = o[k];
  return kept;
}

export function looksLikeUrl(v: string | undefined): string | undefined {
  return v && /^https?:\/\//i.test(v) ? v : undefined;
}
