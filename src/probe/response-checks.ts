import type { Exchange } from './http-exchange.js';
import type { Finding, ProbeResult } from './types.js';

/** The result of a request that got no answer: connection, DNS, TLS or timeout failure. */
export function failedExchange(ex: Exchange, what = 'request'): ProbeResult {
  return {
    ok: false,
    error: ex.error!.class,
    message: `${what}: ${ex.error!.message}`,
    timings: ex.timings,
    certExpiresAt: ex.certExpiresAt,
    findings: [],
  };
}

export function statusMatches(status: number | undefined, expected: number[]): boolean {
  return status !== undefined && expected.includes(status);
}

export function describeStatuses(expected: number[]): string {
  return expected.join('/');
}

/**
 * Body patterns that must never appear (leaked keys, internal hostnames). The finding names the pattern, never
 * the matched text, so the leak does not spread into picket's own store and pages.
 */
export function forbiddenBodyFindings(ex: Exchange, patterns: string[]): Finding[] {
  if (patterns.length === 0 || ex.body.length === 0) return [];
  const text = ex.body.toString('utf8');
  const findings: Finding[] = [];
  patterns.forEach((source, i) => {
    if (new RegExp(source).test(text)) {
      findings.push({
        key: `forbidden_body:${i}`,
        class: 'misconfig.headers',
        severity: 'critical',
        message: `response body matches forbidden pattern #${i + 1} (/${source}/)`,
      });
    }
  });
  return findings;
}

/** A result for an answer that arrived, with the body and latency checks every HTTP kind shares. */
export function answered(ex: Exchange, fields: Partial<ProbeResult> & { message: string }): ProbeResult {
  return { ok: true, status: ex.status, timings: ex.timings, certExpiresAt: ex.certExpiresAt, findings: [], ...fields };
}

export function latencyExceeded(ex: Exchange, latencyMs: number | undefined): string | undefined {
  if (latencyMs === undefined || ex.timings.totalMs <= latencyMs) return undefined;
  return `took ${Math.round(ex.timings.totalMs)} ms, expected at most ${latencyMs} ms`;
}
