import { z } from 'zod';
import type { ExternalState } from '../../correlate/observation.js';
import { jsonPath } from '../../config/fields.js';
import { readJsonPath } from '../../json-path.js';
import { compact, int, num, scalarText, ShapeError, text, time, type FormatContext, type ParseResult } from './read.js';

export const format = 'generic';

/** Where each field of the normalized event is found in the sender's JSON. */
export const options = z.object({
  paths: z.strictObject({
    state: jsonPath(),
    monitorKey: jsonPath(),
    name: jsonPath().optional(),
    url: jsonPath().optional(),
    statusCode: jsonPath().optional(),
    responseTimeMs: jsonPath().optional(),
    reason: jsonPath().optional(),
    time: jsonPath().optional(),
    eventId: jsonPath().optional(),
  }),
  /** Values of the state field that mean down / up (compared as lower-case text). */
  downValues: z.array(z.string()).default(['down', 'firing', 'alerting', 'critical', 'failing', '0', 'false']),
  upValues: z.array(z.string()).default(['up', 'resolved', 'ok', 'success', '1', 'true']),
});

export const contentTypes = ['json'] as const;

type Options = z.output<typeof options>;

/** Any JSON sender, mapped by the JSON paths configured on the source. */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  const o = ctx.options as unknown as Options;
  const at = (path: string | undefined) => (path ? readJsonPath(body, path) : undefined);
  const rawState = at(o.paths.state);
  if (rawState === undefined) return new ShapeError(`no value at ${o.paths.state} (the state path)`);
  const stateText = scalarText(rawState).toLowerCase();
  const state: ExternalState = o.downValues.includes(stateText) ? 'down' : o.upValues.includes(stateText) ? 'up' : 'unknown';
  const monitorKey = text(at(o.paths.monitorKey));
  if (!monitorKey) return new ShapeError(`no value at ${o.paths.monitorKey} (the monitorKey path)`);
  return [
    compact({
      source: ctx.source,
      eventId: text(at(o.paths.eventId)),
      monitorKey,
      name: text(at(o.paths.name)),
      url: text(at(o.paths.url)),
      state,
      statusCode: int(at(o.paths.statusCode)),
      responseTimeMs: num(at(o.paths.responseTimeMs)),
      reason: text(at(o.paths.reason)),
      occurredAt: time(at(o.paths.time)) ?? ctx.receivedAt,
    }),
  ];
}
