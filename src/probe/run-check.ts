import { probeCheck, type Check } from './index.js';
import type { ProbeContext, ProbeResult } from './types.js';

export interface Run {
  result: ProbeResult;
  /** 1 + the confirm retries that were needed. */
  attempts: number;
  startedAt: number;
}

/**
 * One scheduled run: the probe, and when it fails, up to `confirmRetries` immediate re-runs. The run fails only
 * if every attempt failed, so one lost packet does not count toward `failureThreshold`. A probe that throws (a
 * bug, an unreadable CA file) is a failed run with the reason, never a crash of the scheduler.
 */
export async function runCheck(check: Check, ctx: ProbeContext): Promise<Run> {
  const startedAt = Date.now();
  let attempts = 0;
  let result: ProbeResult;
  do {
    attempts++;
    result = await probeSafely(check, ctx);
  } while (!result.ok && attempts <= check.confirmRetries && !ctx.signal?.aborted);
  return { result, attempts, startedAt };
}

async function probeSafely(check: Check, ctx: ProbeContext): Promise<ProbeResult> {
  try {
    return await probeCheck(check, ctx);
  } catch (err) {
    return { ok: false, error: 'assertion', assertion: 'probe error', message: `probe error: ${(err as Error).message}`, timings: { totalMs: 0 }, findings: [] };
  }
}
