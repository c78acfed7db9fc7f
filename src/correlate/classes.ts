export const INCIDENT_CLASSES = [
  'outage',
  'degradation',
  'attack.credential_stuffing',
  'attack.password_spray',
  'attack.brute_force',
  'attack.scraping',
  'attack.exfiltration',
  'attack.dos',
  'attack.suspected',
  'misconfig.auth_bypass',
  'misconfig.tls',
  'misconfig.headers',
  'misconfig.cors',
] as const;

export type IncidentClass = (typeof INCIDENT_CLASSES)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;

export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** `attack.*` for `attack.brute_force`; the family decides which open incident a signal joins. */
export function classFamily(c: IncidentClass): string {
  const dot = c.indexOf('.');
  return dot < 0 ? c : c.slice(0, dot);
}

/** `attack.*` or `attack` names a family; anything else must be an exact class. */
export function classPatternMatches(pattern: string, cls: string): boolean {
  if (pattern.endsWith('.*')) return cls.startsWith(pattern.slice(0, -1));
  if (!pattern.includes('.')) return cls === pattern || cls.startsWith(`${pattern}.`);
  return cls === pattern;
}
