import { z } from 'zod';
import type { ExternalState } from '../../correlate/observation.js';
import { compact, field, int, isObject, num, lookup, ShapeError, text, time, upDown, type FormatContext, type Json, type ParseResult } from './read.js';

export const format = 'lagnis';

export const options = z.object({});

export const contentTypes = ['json'] as const;

const EVENT_STATE: Record<string, ExternalState> = {
  'monitor.down': 'down',
  'monitor.up': 'up',
  'monitor.degraded': 'degraded',
  'ssl.expiring': 'unknown',
  test: 'unknown',
};

/**
 * The Lagnis-style uptime webhook: an event name, the monitor, and the check that changed its state. Tolerant
 * of snake_case and camelCase, of status as up/down/1/0, and of ISO or epoch times.
 */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body)) return new ShapeError('expected a JSON object');
  const event = text(field(body, 'event', 'type', 'event_type', 'eventType'))?.toLowerCase();
  const monitor = field(body, 'monitor') as Json | undefined;
  if (!isObject(monitor)) return new ShapeError('missing "monitor" object');
  const check = (isObject(body.check) ? body.check : isObject(body.result) ? body.result : {}) as Json;
  const incident = (isObject(body.incident) ? body.incident : {}) as Json;
  if (!event && field(check, 'status', 'state') === undefined) return new ShapeError('missing "event" and "check.status"');
  if (event && !Object.hasOwn(EVENT_STATE, event) && !event.startsWith('monitor.')) return new ShapeError(`unknown event "${event}"`);

  const url = text(field(monitor, 'url', 'target'));
  const monitorKey = text(field(monitor, 'id', 'monitor_id', 'monitorId')) ?? url;
  if (!monitorKey) return new ShapeError('monitor has neither "id" nor "url"');
  const state = lookup(EVENT_STATE, event) ?? upDown(field(check, 'status', 'state')) ?? 'unknown';
  const checkedAt = time(field(check, 'checked_at', 'checkedAt', 'time', 'timestamp')) ?? time(field(body, 'timestamp', 'sent_at', 'sentAt'));
  const incidentId = text(field(incident, 'id'));
  const expiry = isObject(body.ssl) ? (body.ssl as Json) : isObject(body.certificate) ? (body.certificate as Json) : undefined;
  const daysLeft = int(field(expiry, 'days_left', 'daysLeft', 'days_remaining'));
  const reason =
    text(field(check, 'reason', 'message', 'error')) ??
    (event === 'ssl.expiring' ? `certificate expires${daysLeft !== undefined ? ` in ${daysLeft} days` : ' soon'}` : event === 'test' ? 'test event' : undefined);
  return [
    compact({
      source: ctx.source,
      eventId: event && (incidentId || checkedAt) ? [event, incidentId ?? monitorKey, checkedAt ?? ''].join(':') : undefined,
      monitorKey,
      name: text(field(monitor, 'name', 'friendly_name', 'friendlyName')),
      url,
      state,
      statusCode: int(field(check, 'status_code', 'statusCode', 'http_status', 'httpStatus')),
      responseTimeMs: num(field(check, 'response_time_ms', 'responseTimeMs', 'response_time', 'responseTime')),
      reason,
      location: text(field(check, 'location', 'region')),
      occurredAt: checkedAt ?? time(field(incident, 'started_at', 'startedAt')) ?? ctx.receivedAt,
    }),
  ];
}
