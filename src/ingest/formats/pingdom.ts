import { z } from 'zod';
import type { ExternalState } from '../../correlate/observation.js';
import { compact, field, isObject, lookup, ShapeError, text, time, type FormatContext, type Json, type ParseResult } from './read.js';

export const format = 'pingdom';

export const options = z.object({});

export const contentTypes = ['json'] as const;

/** Uptime checks say UP/DOWN; transaction checks SUCCESS/FAILING. */
const STATES: Record<string, ExternalState> = { UP: 'up', SUCCESS: 'up', DOWN: 'down', FAILING: 'down', UNCONFIRMED_DOWN: 'degraded', UNKNOWN: 'unknown' };

/** Pingdom's state-change webhook. */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body)) return new ShapeError('expected a JSON object');
  const current = text(body.current_state)?.toUpperCase();
  if (!current) return new ShapeError('missing "current_state"');
  const state = lookup(STATES, current);
  if (!state) return new ShapeError(`unknown current_state "${current}"`);
  const checkId = text(body.check_id);
  if (!checkId) return new ShapeError('missing "check_id"');
  const params = (isObject(body.check_params) ? body.check_params : {}) as Json;
  const host = text(params.hostname);
  const url = text(field(params, 'full_url')) ?? (host ? `${params.encryption === true ? 'https' : 'http'}://${host}${text(params.url) ?? ''}` : undefined);
  const occurredAt = time(body.state_changed_timestamp) ?? time(body.state_changed_utc_time) ?? ctx.receivedAt;
  const probe = isObject(body.first_probe) ? body.first_probe : undefined;
  return [
    compact({
      source: ctx.source,
      eventId: `${checkId}:${current}:${occurredAt}`,
      monitorKey: checkId,
      name: text(body.check_name),
      url,
      state,
      statusCode: undefined,
      reason: text(body.long_description) ?? text(body.description),
      location: text(field(probe, 'location')),
      occurredAt,
    }),
  ];
}
