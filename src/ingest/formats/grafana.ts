import { z } from 'zod';
import { parseAlertGroup } from './alertmanager.js';
import { compact, isObject, ShapeError, text, type FormatContext, type ParseResult } from './read.js';

export const format = 'grafana';

export const options = z.object({});

export const contentTypes = ['json'] as const;

/**
 * Grafana unified alerting: the Alertmanager alert group plus `state`, `title`, `orgId` and per-alert
 * dashboard links. A firing alert without its own summary takes the notification's title.
 */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body)) return new ShapeError('expected a JSON object');
  if (body.orgId === undefined && body.state === undefined && body.title === undefined) {
    return new ShapeError('not a Grafana alert notification (no orgId, state or title)');
  }
  const title = text(body.title);
  return parseAlertGroup(body, ctx, (alert) => {
    const annotations = isObject(alert.annotations) ? alert.annotations : {};
    return compact({ reason: text(annotations.summary) ?? text(annotations.description) ?? text(alert.valueString) ?? title });
  });
}
