import { z } from 'zod';
import type { ExternalState } from '../../correlate/observation.js';
import { compact, field, isObject, lookup, ShapeError, text, time, type FormatContext, type Json, type ParseResult } from './read.js';

export const format = 'betterstack';

export const options = z.object({});

export const contentTypes = ['json'] as const;

const STATES: Record<string, ExternalState> = { started: 'down', acknowledged: 'down', resolved: 'up' };

/**
 * Better Stack Uptime incident webhooks (JSON:API): `data.attributes` with the incident, and the lifecycle
 * step as `event` (`incident.started`, `acknowledged`, …) or as `attributes.status`.
 */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body) || !isObject(body.data)) return new ShapeError('expected {"data": {"attributes": …}}');
  const data = body.data;
  const attrs = (isObject(data.attributes) ? data.attributes : undefined) as Json | undefined;
  if (!attrs) return new ShapeError('missing "data.attributes"');
  const step = (text(body.event) ?? text(attrs.status))?.toLowerCase().replace(/^incident[._]/, '');
  if (!step || !lookup(STATES, step)) return new ShapeError('event/status must be started, acknowledged or resolved');
  const monitor = isObject(data.relationships) && isObject(data.relationships.monitor) && isObject(data.relationships.monitor.data) ? data.relationships.monitor.data : undefined;
  const url = text(attrs.url);
  const monitorKey = text(field(monitor, 'id')) ?? text(attrs.monitor_id) ?? url ?? text(attrs.name);
  if (!monitorKey) return new ShapeError('no monitor id, URL or name');
  const occurredAt = (step === 'resolved' ? time(attrs.resolved_at) : step === 'acknowledged' ? time(attrs.acknowledged_at) : time(attrs.started_at)) ?? ctx.receivedAt;
  const cause = text(attrs.cause);
  return [
    compact({
      source: ctx.source,
      eventId: text(data.id) ? `${text(data.id)}:${step}` : undefined,
      monitorKey,
      name: text(attrs.name),
      url,
      state: lookup(STATES, step)!,
      statusCode: cause ? Number(/\b([1-5]\d\d)\b/.exec(cause)?.[1]) || undefined : undefined,
      reason: step === 'acknowledged' ? `acknowledged${cause ? `: ${cause}` : ''}` : cause,
      location: Array.isArray(attrs.regions) ? attrs.regions.map(text).filter(Boolean).join(',') || undefined : undefined,
      occurredAt,
    }),
  ];
}
