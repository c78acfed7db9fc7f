import { z } from 'zod';
import type { ExternalEvent, ExternalState } from '../../correlate/observation.js';
import { compact, isObject, looksLikeUrl, scalarText, ShapeError, text, time, type FormatContext, type Json, type ParseResult } from './read.js';

export const format = 'alertmanager';

export const options = z.object({});

export const contentTypes = ['json'] as const;

/** Alertmanager's "not set" end time, carried by alerts that are still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Labels whose value says how bad a firing alert is; warnings are degradation, not an outage. */
const DEGRADED_SEVERITIES = new Set(['warning', 'warn', 'info', 'minor', 'low']);

/**
 * Alertmanager webhook version 4: one event per alert, keyed by fingerprint. One message can mix firing and
 * resolved alerts; `truncatedAlerts` says how many did not fit.
 */
export function parse(body: unknown, ctx: FormatContext): ParseResult {
  if (!isObject(body)) return new ShapeError('expected a JSON object');
  if (body.version !== undefined && scalarText(body.version) !== '4') return new ShapeError(`unsupported webhook version "${scalarText(body.version)}" (expected 4)`);
  return parseAlertGroup(body, ctx);
}

/** The alert-group shape Alertmanager and Grafana share. */
export function parseAlertGroup(body: Json, ctx: FormatContext, extra: (alert: Json) => Partial<ExternalEvent> = () => ({})): ParseResult {
  if (!Array.isArray(body.alerts)) return new ShapeError('missing "alerts" array');
  const common = isObject(body.commonLabels) ? body.commonLabels : {};
  const truncated = typeof body.truncatedAlerts === 'number' && body.truncatedAlerts > 0 ? body.truncatedAlerts : 0;
  const events: ExternalEvent[] = [];
  for (const [i, alert] of body.alerts.entries()) {
    if (!isObject(alert)) return new ShapeError(`alerts[${i}] is not an object`);
    const labels = { ...common, ...(isObject(alert.labels) ? alert.labels : {}) } as Record<string, unknown>;
    const annotations = (isObject(alert.annotations) ? alert.annotations : {}) as Record<string, unknown>;
    const status = text(alert.status) ?? text(body.status);
    if (status !== 'firing' && status !== 'resolved') return new ShapeError(`alerts[${i}].status must be "firing" or "resolved"`);
    const fingerprint = text(alert.fingerprint);
    const alertname = text(labels.alertname);
    const instance = text(labels.instance);
    const monitorKey = instance ?? text(labels.job) ?? alertname ?? fingerprint;
    if (!monitorKey) return new ShapeError(`alerts[${i}] has no instance, job, alertname or fingerprint`);
    const startsAt = time(alert.startsAt);
    const endsAt = text(alert.endsAt) === ZERO_TIME ? undefined : time(alert.endsAt);
    const firing = status === 'firing';
    const severity = text(labels.severity)?.toLowerCase();
    const state: ExternalState = firing ? (severity && DEGRADED_SEVERITIES.has(severity) ? 'degraded' : 'down') : 'up';
    const occurredAt = (firing ? startsAt : endsAt) ?? ctx.receivedAt;
    const summary = text(annotations.summary) ?? text(annotations.description) ?? alertname;
    events.push(
      compact({
        source: ctx.source,
        eventId: fingerprint ? `${fingerprint}:${status}:${occurredAt}` : undefined,
        monitorKey,
        name: alertname,
        url: looksLikeUrl(instance) ?? looksLikeUrl(text(labels.url)),
        state,
        reason: truncated > 0 && i === body.alerts.length - 1 ? `${summary ?? ''} (${truncated} more alerts truncated)`.trim() : summary,
        location: text(labels.region) ?? text(labels.location),
        occurredAt,
        serviceHint: text(labels.service),
        ...extra(alert),
      }),
    );
  }
  if (events.length === 0) return new ShapeError('"alerts" is empty');
  return events;
}
