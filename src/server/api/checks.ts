import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import { textInTurns, yieldToLoop } from '../../event-loop.js';
import { HttpError } from '../../http-error.js';
import {
  availability,
  dayLabels,
  STEP_SECONDS,
  type CheckHistory,
  type CheckStatus,
  type CheckSummary,
  type DailyRuns,
  type HistoryStep,
  type UptimeWindow,
} from '../../store/check-history.js';
import { intParam } from './query.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Points one history answer may hold; a wider range needs a coarser step. */
export const MAX_HISTORY_POINTS = 10_000;
/** The range each step shows when `from` is not given. */
const DEFAULT_SPAN: Record<HistoryStep, number> = { raw: HOUR_MS, '1m': DAY_MS, '1h': 7 * DAY_MS, '1d': 90 * DAY_MS };

/** A check as the API shows it: its stored state, last result, uptime windows and 24-hour latency. */
export interface CheckView extends Omit<CheckStatus, 'key' | 'name'> {
  name: string;
  uptime: Record<UptimeWindow, number | null>;
  runs: Record<UptimeWindow, number>;
  latencyMs: CheckSummary['latencyMs'];
}

export function checkView(c: CheckStatus, s: CheckSummary): CheckView {
  const { uptime } = s;
  // Field by field: copying the stored check with rest and spread was most of the cost of a view.
  return {
    id: c.id,
    service: c.service,
    kind: c.kind,
    name: c.name ?? c.id,
    target: c.target,
    intervalMs: c.intervalMs,
    state: c.state,
    stateSince: c.stateSince,
    lastRunAt: c.lastRunAt,
    lastResult: c.lastResult,
    findings: c.findings,
    uptime: { '24h': uptime['24h'].uptime, '7d': uptime['7d'].uptime, '30d': uptime['30d'].uptime, '90d': uptime['90d'].uptime },
    runs: { '24h': uptime['24h'].runs, '7d': uptime['7d'].runs, '30d': uptime['30d'].runs, '90d': uptime['90d'].runs },
    latencyMs: s.latencyMs,
  };
}

/** The days of one check (the last `days.runs.length` before `now`), oldest first, with null uptime for days without runs. */
export function dayBars(days: DailyRuns, now: number) {
  return dayLabels(now, days.runs.length).map((day, i) => ({ day, ...availability(days.runs[i]!, days.ok[i]!) }));
}

function timeParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new HttpError(400, 'bad_request', `${name} must be an ISO 8601 time or epoch milliseconds`);
  return ms;
}

/** Checks written out per turn of the event loop. */
const CHECKS_PER_TURN = 250;

/**
 * The list of checks as JSON text, a part at a time. Each part goes to the socket as soon as it is built: a thousand
 * views (or their text) held until the end of the answer outlived many young-generation collections, and the old
 * generation they filled made every tenth answer wait for a full collection.
 */
export async function* checksJson(checks: readonly CheckStatus[], summary: (key: number) => CheckSummary): AsyncGenerator<string> {
  yield '{"checks":[';
  yield* textInTurns(checks, (c) => JSON.stringify(checkView(c, summary(c.key))), CHECKS_PER_TURN, ',');
  yield ']}';
}

/** `GET /api/v1/checks`, `/api/v1/checks/:id` and `/api/v1/checks/:id/history`. */
export function checkRoutes(history: CheckHistory, clock: Clock) {
  return async (app: FastifyInstance) => {
    app.get('/api/v1/checks', async (_req, reply) => {
      const summary = await history.summaries(clock.now());
      await yieldToLoop();
      const checks = history.list();
      return reply.type('application/json; charset=utf-8').send(Readable.from(checksJson(checks, summary)));
    });

    app.get<{ Params: { id: string } }>('/api/v1/checks/:id', async (req) => {
      const check = history.get(req.params.id);
      if (!check) throw new HttpError(404, 'not_found', `no check ${req.params.id}`);
      const now = clock.now();
      return {
        check: {
          ...checkView(check, (await history.summaries(now))(check.key)),
          days: dayBars((await history.days(now, 90))(check.key), now),
        },
      };
    });

    app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/api/v1/checks/:id/history', async (req) => {
      const check = history.get(req.params.id);
      if (!check) throw new HttpError(404, 'not_found', `no check ${req.params.id}`);
      const step = (req.query.step ?? 'raw') as HistoryStep;
      if (!(step in DEFAULT_SPAN)) throw new HttpError(400, 'bad_request', 'step must be raw, 1m, 1h or 1d');
      const to = timeParam(req.query.to, 'to') ?? clock.now();
      const from = timeParam(req.query.from, 'from') ?? to - DEFAULT_SPAN[step];
      if (from >= to) throw new HttpError(400, 'bad_request', 'from must be before to');
      const limit = intParam(req.query.limit, 'limit', { min: 1, max: MAX_HISTORY_POINTS, fallback: MAX_HISTORY_POINTS })!;
      if (step !== 'raw') {
        const points = Math.ceil((to - from) / (STEP_SECONDS[step] * 1000));
        if (points > MAX_HISTORY_POINTS) {
          throw new HttpError(400, 'bad_request', `${points} points at step ${step}; at most ${MAX_HISTORY_POINTS}: narrow the range or take a coarser step`);
        }
        return { check: check.id, step, from, to, points: history.rollups(check.key, STEP_SECONDS[step], from, to, limit) };
      }
      const points = history.raw(check.key, from, to, limit);
      return { check: check.id, step, from, to, points, truncated: points.length === limit };
    });
  };
}
