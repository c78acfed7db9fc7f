import type { CheckStateName, Finding, ProbeObservation } from '../correlate/observation.js';
import type { CheckState, ProbeResult, RaisedFinding } from '../store/records.js';

export type { CheckState, RaisedFinding };

export const INITIAL_STATE: CheckState = { state: 'unknown', since: null, failures: 0, successes: 0, findings: [] };

export interface Transition {
  next: CheckState;
  changed?: { from: CheckStateName; to: CheckStateName };
  raised: Finding[];
  cleared: Finding[];
}

export const MAIN_SCOPE = 'main';

/**
 * Folds one run into the check's state: `failureThreshold` consecutive failed runs make it down,
 * `successThreshold` good runs make it up again (a fresh check is up on its first good run). Runs of an extra
 * schedule only raise and clear their own findings; they do not count for availability.
 */
export function applyRun(
  prev: CheckState,
  result: ProbeResult,
  thresholds: { failureThreshold: number; successThreshold: number },
  now: number,
  scope: string = MAIN_SCOPE,
): Transition {
  const next: CheckState = { ...prev, findings: [] };
  const seen = new Set(result.findings.map((f) => f.key));
  const raised: Finding[] = [];
  const cleared: Finding[] = [];
  for (const f of prev.findings) {
    if (f.scope !== scope || seen.has(f.key)) next.findings.push({ ...f });
    else cleared.push(strip(f));
  }
  for (const f of result.findings) {
    const existing = next.findings.find((g) => g.key === f.key && g.scope === scope);
    if (existing) {
      // A finding whose severity changes (a certificate going from 30 days left to 6) is raised again.
      const severityChanged = existing.severity !== f.severity;
      Object.assign(existing, f);
      if (severityChanged) raised.push(f);
      continue;
    }
    next.findings.push({ ...f, scope, since: now });
    raised.push(f);
  }
  if (scope !== MAIN_SCOPE) return { next, raised, cleared };

  if (result.ok) {
    next.successes = prev.successes + 1;
    next.failures = 0;
  } else {
    next.failures = prev.failures + 1;
    next.successes = 0;
  }
  let to = prev.state;
  if (result.ok && (prev.state === 'unknown' || (prev.state === 'down' && next.successes >= thresholds.successThreshold))) to = 'up';
  if (!result.ok && prev.state !== 'down' && next.failures >= thresholds.failureThreshold) to = 'down';
  if (to === prev.state) return { next, raised, cleared };
  next.state = to;
  next.since = now;
  return { next, changed: { from: prev.state, to }, raised, cleared };
}

/** The observation one run hands to detection: the result with the state it left the check in. */
export function probeObservation(
  check: { id: string; service: string; kind: string },
  ts: number,
  result: ProbeResult,
  t: Transition,
  scope: string = MAIN_SCOPE,
): ProbeObservation {
  return {
    type: 'probe',
    ts,
    checkId: check.id,
    service: check.service,
    kind: check.kind,
    schedule: scope === MAIN_SCOPE ? undefined : scope,
    ok: result.ok,
    status: result.status,
    error: result.error,
    latencyMs: result.timings.totalMs,
    message: result.message,
    state: t.next.state,
    stateChange: t.changed,
    findingsRaised: t.raised,
    findingsCleared: t.cleared,
  };
}

function strip(f: RaisedFinding): Finding {
  return { key: f.key, class: f.class, severity: f.severity, message: f.message };
}
