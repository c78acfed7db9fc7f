import { z } from 'zod';
import type { ExternalState } from '../../correlate/observation.js';
import { compact, field, int, isObject, lookup, ShapeError, text, time, type FormatContext, type ParseResult } from './read.js';

export const format = 'uptimerobot';

export const options = z.object({});

export const contentTypes = ['json', 'form'] as const;

/** alertType: "1" down, "2" up, "3" SSL certificate expiry. */
const ALERT_TYPES: Record<string, ExternalState> = { '1': 'down', '2': 'up', '3': 'unknown' };

/** UptimeRobot's webhook alert contact: its `*variable*` fields, posted as JSON or form-encoded, all strings. */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body)) return new ShapeError('expected an object of UptimeRobot fields');
  const alertType = text(field(body, 'alertType', 'alert_type'));
  if (!alertType) return new ShapeError('missing "alertType"');
  const state = lookup(ALERT_TYPES, alertType);
  if (!state) return new ShapeError(`unknown alertType "${alertType}" (1 down, 2 up, 3 SSL expiry)`);
  const url = text(field(body, 'monitorURL', 'monitorUrl', 'monitor_url'));
  const monitorKey = text(field(body, 'monitorID', 'monitorId', 'monitor_id')) ?? url;
  if (!monitorKey) return new ShapeError('missing "monitorID" and "monitorURL"');
  const details = text(field(body, 'alertDetails', 'alert_details'));
  const days = text(field(body, 'sslExpiryDaysLeft'));
  const occurredAt = time(field(body, 'alertDateTime', 'alert_datetime')) ?? ctx.receivedAt;
  return [
    compact({
      source: ctx.source,
      eventId: `${monitorKey}:${alertType}:${occurredAt}`,
      monitorKey,
      name: text(field(body, 'monitorFriendlyName', 'monitor_friendly_name')),
      url,
      state,
      statusCode: details ? int(/\b([1-5]\d\d)\b/.exec(details)?.[1]) : undefined,
      reason: alertType === '3' ? `certificate expires in ${days ?? '?'} days` : details ?? text(field(body, 'alertTypeFriendlyName')),
      occurredAt,
    }),
  ];
}
