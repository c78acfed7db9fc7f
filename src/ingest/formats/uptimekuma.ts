import { z } from 'zod';
import type { ExternalState } from '../../correlate/observation.js';
import { compact, field, int, isObject, num, ShapeError, text, time, type FormatContext, type ParseResult } from './read.js';

export const format = 'uptimekuma';

export const options = z.object({});

export const contentTypes = ['json'] as const;

/** heartbeat.status: 0 down, 1 up, 2 pending (retrying), 3 maintenance. */
const STATUS: Record<number, ExternalState> = { 0: 'down', 1: 'up', 2: 'degraded', 3: 'unknown' };

/**
 * Uptime Kuma's webhook notification: `{heartbeat, monitor, msg}`. Certificate-expiry messages arrive with
 * `heartbeat: null`; the "Test" button sends both as null.
 */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body)) return new ShapeError('expected a JSON object');
  if (!('heartbeat' in body) && !('monitor' in body) && !('msg' in body)) return new ShapeError('expected "heartbeat", "monitor" and "msg"');
  const msg = text(body.msg);
  const monitor = isObject(body.monitor) ? body.monitor : undefined;
  const heartbeat = isObject(body.heartbeat) ? body.heartbeat : undefined;
  if (!monitor && !heartbeat) {
    return [{ source: ctx.source, monitorKey: 'uptimekuma:test', state: 'unknown', reason: msg ?? 'test notification', occurredAt: ctx.receivedAt }];
  }
  const url = text(field(monitor, 'url')) ?? (text(field(monitor, 'hostname')) ? `${text(field(monitor, 'hostname'))}${int(monitor?.port) ? `:${int(monitor?.port)}` : ''}` : undefined);
  const monitorId = text(field(monitor, 'id')) ?? text(field(heartbeat, 'monitorID', 'monitorId', 'monitor_id'));
  const monitorKey = monitorId ?? url;
  if (!monitorKey) return new ShapeError('no monitor id or URL');
  if (!heartbeat) {
    return [compact({ source: ctx.source, monitorKey, name: text(field(monitor, 'name')), url, state: 'unknown' as const, reason: msg ?? 'certificate notice', occurredAt: ctx.receivedAt })];
  }
  const status = int(heartbeat.status);
  if (status === undefined || !(status in STATUS)) return new ShapeError('heartbeat.status must be 0, 1, 2 or 3');
  const occurredAt = time(heartbeat.time) ?? ctx.receivedAt;
  const hbMsg = text(heartbeat.msg);
  return [
    compact({
      source: ctx.source,
      eventId: `${monitorKey}:${status}:${occurredAt}`,
      monitorKey,
      name: text(field(monitor, 'name')),
      url,
      state: STATUS[status]!,
      statusCode: hbMsg ? int(/\b([1-5]\d\d)\b/.exec(hbMsg)?.[1]) : undefined,
      responseTimeMs: num(heartbeat.ping),
      reason: status === 3 ? 'maintenance' : hbMsg ?? msg,
      occurredAt,
    }),
  ];
}
