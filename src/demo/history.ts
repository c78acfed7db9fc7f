import type { CheckRepository, RunRecord } from '../store/check-repository.js';
import { Prng } from '../simulate/prng.js';

const DAY = 86_400_000;
const STEP = 10 * 60_000;

/** Days (ago) when the made-up history had trouble, so the bars show what a bad day looks like. */
const BAD_DAYS: Record<number, { from: number; hours: number }> = { 12: { from: 3, hours: 2 }, 41: { from: 14, hours: 0.5 }, 67: { from: 22, hours: 5 } };

/**
 * Writes 90 days of made-up history (a run every 10 minutes, a few bad days) for the demo's checks, ending an hour
 * before `now`, so a newcomer sees full uptime bars and latency charts instead of a single cell. Only the demo
 * does this, on its own throwaway database.
 */
export function seedDemoHistory(checks: Pick<CheckRepository, 'writeRuns'>, keys: { key: number; baseMs: number }[], now: number): number {
  const rng = new Prng(7);
  const end = now - 3_600_000;
  const start = Math.floor((now - 89 * DAY) / DAY) * DAY;
  const runs: RunRecord[] = [];
  for (const { key, baseMs } of keys) {
    for (let ts = start; ts < end; ts += STEP) {
      const daysAgo = Math.floor((now - ts) / DAY);
      const hour = ((ts % DAY) / 3_600_000);
      const bad = BAD_DAYS[daysAgo];
      const down = bad !== undefined && hour >= bad.from && hour < bad.from + bad.hours;
      // Busier hours answer a little slower.
      const latency = baseMs * (1 + 0.4 * Math.sin((hour / 24) * 2 * Math.PI)) + rng.next() * baseMs * 0.5;
      runs.push({
        checkKey: key,
        ts,
        result: down
          ? { ok: false, status: 503, error: 'status', message: 'HTTP 503 (made-up history)', timings: { totalMs: latency }, findings: [] }
          : { ok: true, status: 200, message: 'HTTP 200 (made-up history)', timings: { totalMs: latency }, findings: [] },
        attempts: 1,
        latencyMs: latency,
        state: { state: down ? 'down' : 'up', since: null, failures: 0, successes: 0, findings: [] },
        history: true,
      });
    }
  }
  checks.writeRuns(runs);
  return runs.length;
}
