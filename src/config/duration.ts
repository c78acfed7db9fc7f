import { z } from 'zod';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/y;

/** Parses `500ms`, `5s`, `10m`, `1h`, `7d`, `2y` and compounds such as `1h30m`; null when malformed. */
export function parseDuration(text: string): number | null {
  const s = text.trim();
  if (s === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  while (PART.lastIndex < s.length) {
    const start = PART.lastIndex;
    const m = PART.exec(s);
    if (!m || m.index !== start) return null;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return Math.round(total);
}

/** Formats milliseconds as the largest exact unit (`90000` → `90s`, `3600000` → `1h`). */
export function formatDuration(ms: number): string {
  for (const unit of ['y', 'w', 'd', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export const DURATION_HINT = 'expected a duration such as 500ms, 5s, 10m, 1h, 7d';

/** A duration written as text in config, parsed to milliseconds. */
export function duration(opts: { min?: number; max?: number } = {}) {
  return z
    .string({ error: DURATION_HINT })
    .meta({ pattern: '^(\\d+(\\.\\d+)?(ms|s|m|h|d|w|y))+$', examples: ['500ms', '5s', '10m', '1h', '7d'] })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: `${DURATION_HINT}, got "${text}"` });
        return z.NEVER;
      }
      if (opts.min !== undefined && ms < opts.min) {
        ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(opts.min)}, got ${text}` });
        return z.NEVER;
      }
      if (opts.max !== undefined && ms > opts.max) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${formatDuration(opts.max)}, got ${text}` });
        return z.NEVER;
      }
      return ms;
    });
}
